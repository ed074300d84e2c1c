/**
 * `make`, answering once per key: the walker asks the same of a dispatcher's nodes on every sub-op's
 * path. Objects (syntax nodes) are held weakly, so a tree no longer read is freed with its answers.
 */
export function oncePer<K extends object | string, V>(make: (key: K) => V): (key: K) => V {
  const byObject = new WeakMap<object, V>();
  const byText = new Map<K, V>();
  return (key) => {
    const answers = (typeof key === "object" ? byObject : byText) as Map<K, V>;
    if (answers.has(key)) return answers.get(key) as V;
    const answer = make(key);
    answers.set(key, answer);
    return answer;
  };
}
