/**
 * nginx config quoting. Every value that reaches a rendered config passes
 * through one of these, on top of the name grammars of the model, so that no
 * value can end a directive, open or close a block, start a comment or expand
 * a variable.
 *
 * nginx has no escape for `$` inside a string: text whose `$` must stay
 * literal in a variable-expanding argument refers to `$genesys_dollar`, a geo
 * variable whose value is a single `$` (geo values are never expanded).
 */

export const DOLLAR_VARIABLE = "genesys_dollar";

/** http-level declaration that `nginxScriptParts` relies on. */
export const DOLLAR_DECLARATION = `geo $${DOLLAR_VARIABLE} { default "$"; }`;

function rejectControl(text: string, what: string): void {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) {
      throw new Error(
        `${what} ${JSON.stringify(text)} contains control character U+${code.toString(16).padStart(4, "0")}; nginx configs accept none`,
      );
    }
  }
}

/** One double-quoted argument of a directive that does not expand variables (map keys, geo values, server_name). */
export function nginxLiteral(text: string): string {
  rejectControl(text, "value");
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A variable or regex capture (`1`-`9`) spliced into `nginxScriptParts`. */
export interface ScriptVariable {
  readonly variable: string;
}

function variableReference(name: string): string {
  if (/^[1-9]$/.test(name)) return `$${name}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`${JSON.stringify(name)} is not an nginx variable name`);
  return `\${${name}}`;
}

/**
 * One double-quoted argument of a directive that expands variables (return,
 * add_header, map values, rewrite replacements): literal text with every `$`
 * kept literal, and the given variables or captures in between.
 */
export function nginxScriptParts(parts: readonly (string | ScriptVariable)[]): string {
  const body = parts.map((part) => {
    if (typeof part !== "string") return variableReference(part.variable);
    rejectControl(part, "value");
    return part.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\$/g, `\${${DOLLAR_VARIABLE}}`);
  });
  return `"${body.join("")}"`;
}

const BARE = /^[A-Za-z0-9_.:/-]+$/;

/**
 * An unquoted word (upstream names, addresses, variable names). Only characters
 * that cannot end a directive, open a block, start a comment or name a variable.
 */
export function bareWord(text: string): string {
  if (!BARE.test(text)) {
    throw new Error(
      `${JSON.stringify(text)} cannot be an unquoted nginx word: only letters, digits, '_', '.', ':', '/' and '-' are allowed`,
    );
  }
  return text;
}

/** Text matched literally inside a PCRE pattern. */
export function regexLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}
