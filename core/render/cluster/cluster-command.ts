/**
 * A setup or maintenance command: an argv array (what a provisioning tool
 * executes without a shell) and its equivalent shell line for scripts and
 * runbooks.
 */
import { shellCommand, shellQuote } from "./shell-quote";

export interface ClusterCommand {
  readonly argv: readonly string[];
  /** Append the command's standard output to this file (the guide's `echo … >> /etc/sysconfig/cman`). */
  readonly appendTo?: string;
}

export function commandLine(command: ClusterCommand): string {
  const line = shellCommand(command.argv);
  return command.appendTo === undefined ? line : `${line} >> ${shellQuote(command.appendTo)}`;
}

/** A POSIX sh script that stops at the first failing command. */
export function renderScript(commands: readonly ClusterCommand[], purpose: string): string {
  if (/[\r\n]/.test(purpose)) throw new Error(`script purpose ${JSON.stringify(purpose)} must be one line`);
  return ["#!/bin/sh", `# ${purpose}`, "set -eu", ...commands.map(commandLine), ""].join("\n");
}
