/** Option parsers shared by the commands' registrations. */

/** For a repeatable option (`--stage a --stage b`): collects every value, in order. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
