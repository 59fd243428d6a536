/**
 * One value, loaded when first asked for and then kept `ms`; askers meanwhile share the load. A failed load is not
 * kept, and `forget()` drops the value so the next asker loads it afresh.
 */
export function heldValue<T>(ms: number, load: () => Promise<T>) {
  let held: { at: number; value: Promise<T> } | null = null;
  return {
    get(): Promise<T> {
      if (!held || Date.now() - held.at > ms) {
        const entry = { at: Date.now(), value: load() };
        held = entry;
        // Only this load's own entry: a newer one (after a forget) stays.
        entry.value.catch(() => {
          if (held === entry) held = null;
        });
      }
      return held.value;
    },
    forget(): void {
      held = null;
    },
  };
}
