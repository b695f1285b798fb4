// A tiny listener set: drivers emit to many subscribers, and one throwing subscriber must not stop
// the bytes reaching the others.

export interface Listeners<T> {
  add(listener: (value: T) => void): () => void;
  emit(value: T): void;
  size(): number;
}

export function createListeners<T>(onListenerError?: (error: unknown) => void): Listeners<T> {
  const set = new Set<(value: T) => void>();
  return {
    add(listener) {
      // Wrapped so the same function added twice is two subscriptions, removed one at a time.
      const entry = (value: T) => listener(value);
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    emit(value) {
      for (const listener of [...set]) {
        try {
          listener(value);
        } catch (error) {
          onListenerError?.(error);
        }
      }
    },
    size: () => set.size,
  };
}
