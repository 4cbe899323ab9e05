// Tests read many JSON bodies; typing each one would add noise without catching anything, so in
// test code `Response.json()` resolves to `any`.
declare global {
  interface Response {
    json(): Promise<any>;
  }
}

export {};
