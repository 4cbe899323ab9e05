// tr46 v6 ships no types; this declares the two functions we use (see node_modules/tr46/index.js).
declare module 'tr46' {
  interface Tr46Options {
    checkBidi?: boolean;
    checkHyphens?: boolean;
    checkJoiners?: boolean;
    useSTD3ASCIIRules?: boolean;
    transitionalProcessing?: boolean;
    verifyDNSLength?: boolean;
    ignoreInvalidPunycode?: boolean;
  }
  const tr46: {
    toASCII(domainName: string, options?: Tr46Options): string | null;
    toUnicode(domainName: string, options?: Tr46Options): { domain: string; error: boolean };
  };
  export default tr46;
}
