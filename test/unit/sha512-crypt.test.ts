/** SHA-512-crypt against the specification's own test vectors and `openssl passwd -6` (computed once, pasted). */
import { describe, expect, it } from 'vitest';
import { saltFrom, sha512Crypt } from '../../scripts/config/sha512-crypt.js';

describe('sha512Crypt', () => {
  it("matches the specification's test vectors", () => {
    expect(sha512Crypt('Hello world!', 'saltstring')).toBe('$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1');
    expect(sha512Crypt('Hello world!', 'saltstringsaltstring', 10000)).toBe('$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.');
    expect(sha512Crypt('a very much longer text to encrypt.  This one even stretches over morethan one line.', 'anotherlongsaltstring', 1400)).toBe(
      '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1',
    );
    expect(sha512Crypt('we have a short salt string but not a short password', 'short', 77777)).toBe(
      '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0',
    );
  });

  it('matches `openssl passwd -6 -salt abcdefgh s3cret`', () => {
    expect(sha512Crypt('s3cret', 'abcdefgh')).toBe('$6$abcdefgh$Z7KfoKnKTSZrzo5VZ0YubGLQOj9ov6sHo9TmE3zIU/LHKhpE30zCnZ0mcIXYf9r9rQ4DYaXoxAFSPFlcWdxjB.');
  });

  it('makes 16-character salts from the crypt alphabet', () => {
    expect(saltFrom(Buffer.from([...Array(16).keys()].map((i) => i * 17)))).toMatch(/^[./0-9A-Za-z]{16}$/);
  });
});
