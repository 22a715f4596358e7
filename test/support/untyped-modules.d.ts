/** Type declarations for the parts of untyped packages the test harnesses use. */
declare module "faye" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  import type { Duplex } from "node:stream";

  export interface FayeMessage {
    channel: string;
    clientId?: string;
    id?: string;
    data?: unknown;
    successful?: boolean;
    error?: string;
    advice?: Record<string, unknown>;
    ext?: Record<string, unknown>;
    connectionType?: string;
  }

  export interface FayeExtension {
    incoming?(
      message: FayeMessage,
      request: IncomingMessage | undefined,
      callback: (message: FayeMessage) => void,
    ): void;
    outgoing?(
      message: FayeMessage,
      request: IncomingMessage | undefined,
      callback: (message: FayeMessage) => void,
    ): void;
  }

  export class NodeAdapter {
    constructor(options: { mount: string; timeout?: number; ping?: number });
    addExtension(extension: FayeExtension): void;
    /** True when the request's path is under the mount point. */
    check(request: IncomingMessage): boolean;
    handle(request: IncomingMessage, response: ServerResponse): void;
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
    close(): void;
  }
}

declare module "cometd-nodejs-client/src/XMLHttpRequest.js" {
  export interface AdapterCookies {
    storeCookie(uri: unknown, header: string, callback: (failure: Error | null, cookie?: unknown) => void): void;
    retrieveCookies(context: unknown, uri: unknown, callback: (failure: Error | null, cookies: string[]) => void): void;
  }

  /** The adapter's XMLHttpRequest over node:http (keep-alive agent shared by all instances). */
  export class XMLHttpRequest {
    constructor(options?: { cookies?: AdapterCookies; logLevel?: "debug" | "info" });
    send(data?: string): void;
  }
}
