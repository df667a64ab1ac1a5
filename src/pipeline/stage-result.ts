/**
 * The typed output of one stage, handed to the next through the task list. listr2
 * runs tasks in order, so a later task reads what an earlier one set; reading it
 * before then is a bug in the composition, not a user error.
 */
export class StageResult<T> {
  #value: { set: true; value: T } | { set: false } = { set: false };

  readonly stage: string;

  constructor(stage: string) {
    this.stage = stage;
  }

  set(value: T): T {
    this.#value = { set: true, value };
    return value;
  }

  get(): T {
    if (!this.#value.set) throw new Error(`internal: the ${this.stage} stage's result was read before the stage ran`);
    return this.#value.value;
  }

  get isSet(): boolean {
    return this.#value.set;
  }
}
