// Tests read many JSON bodies; typing each one would add noise without catching anything, so in
// test code `Response.json()` resolves to `any`.
declare global {
  interface Response {
    // biome-ignore lint/suspicious/noExplicitAny: test-only convenience, see above
    json(): Promise<any>;
  }
}

export {};
