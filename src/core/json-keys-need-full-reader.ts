/**
 * Whether a text `JSON.parse` accepted gives some object the same key twice (which `JSON.parse`
 * settles silently, keeping the last, and the full reader refuses with its place), or a `__proto__`
 * key however it is spelled (`"\u005f_proto__"`), which a later assignment would take for the
 * object's prototype. One linear pass over the text, no recursion: a stack of each open object's keys.
 */
export function jsonKeysNeedFullReader(text: string): boolean {
  // per open `{` or `[`: the keys seen so far, or null for an array
  const stack: (Set<string> | null)[] = [];
  // after `{` or `,` inside an object, the next string is a key
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) {
          escaped = true;
          j++;
        } else if (d === 0x22) break;
      }
      if (expectKey) {
        const raw = text.slice(i + 1, j);
        // two spellings of one key (`"a"` and `"\u0061"`) are one key
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : raw;
        const keys = stack[stack.length - 1] as Set<string>;
        if (keys.has(key) || key === "__proto__") return true;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return false;
}
