/**
 * The services of an Interaction Recording tenant. Kept free of imports so the
 * policy pack, which installs only its own dependencies, can read it.
 */
export const RECORDING_SERVICES = ["rws", "rp", "rcs", "interactionReceiver", "webdav"] as const;
export type RecordingService = (typeof RECORDING_SERVICES)[number];
