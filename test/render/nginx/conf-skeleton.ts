/**
 * Reads rendered nginx config the way nginx tokenizes it (quotes, escapes,
 * comments, blocks, includes) and reduces it to its skeleton: each directive's
 * depth, name and argument count. Two configs with the same skeleton contain
 * the same directives; a value that broke out of its quotes would change it.
 */

interface Token {
  readonly text: string;
  /** `{`, `}` or `;` outside quotes. */
  readonly special: boolean;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "{" || c === "}" || c === ";") {
      tokens.push({ text: c, special: true });
      i++;
    } else if (c === '"' || c === "'") {
      let text = "";
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === "\\" && i + 1 < source.length) i++;
        text += source[i++];
      }
      if (i >= source.length) throw new Error("unterminated quoted string");
      i++;
      tokens.push({ text, special: false });
    } else {
      let text = "";
      while (i < source.length && !/[\s;{}]/.test(source[i])) {
        // `${name}` keeps its braces inside an unquoted word, as in nginx.
        if (source[i] === "$" && source[i + 1] === "{") {
          const end = source.indexOf("}", i);
          if (end < 0) throw new Error("unterminated ${");
          text += source.slice(i, end + 1);
          i = end + 1;
          continue;
        }
        text += source[i++];
      }
      tokens.push({ text, special: false });
    }
  }
  return tokens;
}

/** Blocks whose entries are data (`"~pattern" value;`), not directives. */
const DATA_BLOCKS = new Set(["map", "geo"]);

/** `depth name/argc` per directive (`<entry>` for map and geo entries), includes followed through `files`. */
export function skeleton(files: ReadonlyMap<string, string>, main = "nginx.conf"): string[] {
  const lines: string[] = [];
  const walk = (path: string, depth: number, seen: readonly string[]) => {
    const source = files.get(path);
    if (source === undefined) throw new Error(`include of unknown file ${path}`);
    if (seen.includes(path)) throw new Error(`include cycle at ${path}`);
    let current: string[] = [];
    let level = depth;
    const blocks: string[] = [];
    for (const token of tokenize(source)) {
      if (!token.special) {
        current.push(token.text);
        continue;
      }
      if (token.text === "}") {
        if (current.length > 0) throw new Error(`directive ${current[0]} not ended before }`);
        level--;
        blocks.pop();
        if (level < depth) throw new Error(`unbalanced } in ${path}`);
        continue;
      }
      if (current.length === 0) throw new Error(`empty directive in ${path}`);
      const [name, ...args] = current;
      const shown = DATA_BLOCKS.has(blocks[blocks.length - 1]) ? "<entry>" : name;
      lines.push(`${"  ".repeat(level)}${shown}/${args.length}${token.text === "{" ? " {" : ""}`);
      if (token.text === "{") {
        level++;
        blocks.push(name);
      }
      else if (name === "include") walk(args[0], level, [...seen, path]);
      current = [];
    }
    if (current.length > 0 || level !== depth) throw new Error(`unterminated directive or block in ${path}`);
  };
  walk(main, 0, []);
  return lines;
}
