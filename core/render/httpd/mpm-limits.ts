/**
 * Worker sizing. A proxied request holds an httpd worker thread for as long as
 * it lasts, and each logged-in screen-recording agent keeps one persistent
 * connection through the RWS balancer (Interaction Recording load-balancing guide), so the workers needed are
 * one per such agent plus headroom for every other request.
 */
import type { Recording } from "../../model/environment";

/** Compiled-in defaults of the event MPM: 16 processes of 25 threads. */
export const DEFAULT_SERVER_LIMIT = 16;
export const DEFAULT_THREADS_PER_CHILD = 25;
export const DEFAULT_MAX_REQUEST_WORKERS = DEFAULT_SERVER_LIMIT * DEFAULT_THREADS_PER_CHILD;
/** Threads per process once more than the defaults are needed (the compiled-in ThreadLimit). */
export const LARGE_THREADS_PER_CHILD = 64;
/** Hard limit compiled into the event and worker MPMs. */
export const MAX_SERVER_LIMIT = 20000;

export interface MpmLimits {
  /** Processes serving at once. */
  readonly activeProcesses: number;
  /** Process slots: the active ones plus as many again for processes finishing gracefully after a reload. */
  readonly serverLimit: number;
  /** Equal to threadsPerChild so the scoreboard holds no unusable slots. */
  readonly threadLimit: number;
  readonly threadsPerChild: number;
  /** activeProcesses × threadsPerChild; never more than serverLimit × threadsPerChild. */
  readonly maxRequestWorkers: number;
}

export class CapacityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CapacityError";
  }
}

/** Concurrent connections the recording balancer must hold: agents of every tenant plus headroom, rounded up. */
export function recordingConnections(recording: Pick<Recording, "tenants" | "connectionHeadroomPercent">): number {
  const agents = recording.tenants.reduce((sum, t) => sum + t.screenRecordingAgents, 0);
  return Math.ceil((agents * (100 + recording.connectionHeadroomPercent)) / 100);
}

/** Event-MPM limits holding at least `connections` concurrent requests, never below httpd's defaults. */
export function mpmEventLimits(connections: number): MpmLimits {
  if (!Number.isInteger(connections) || connections < 0) {
    throw new RangeError(`connections must be a whole number >= 0, got ${connections}`);
  }
  const workers = Math.max(DEFAULT_MAX_REQUEST_WORKERS, connections);
  const threadsPerChild = workers <= DEFAULT_MAX_REQUEST_WORKERS ? DEFAULT_THREADS_PER_CHILD : LARGE_THREADS_PER_CHILD;
  const activeProcesses = Math.ceil(workers / threadsPerChild);
  const serverLimit = activeProcesses * 2;
  if (serverLimit > MAX_SERVER_LIMIT) {
    throw new CapacityError(
      `${connections} concurrent connections need ${activeProcesses} httpd processes of ${threadsPerChild} threads plus as many for graceful reloads, over httpd's ServerLimit maximum of ${MAX_SERVER_LIMIT}; split the tenants over more balancer pairs`,
    );
  }
  return {
    activeProcesses,
    serverLimit,
    threadLimit: threadsPerChild,
    threadsPerChild,
    maxRequestWorkers: activeProcesses * threadsPerChild,
  };
}
