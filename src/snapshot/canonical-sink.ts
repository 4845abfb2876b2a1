/**
 * The canonical JSON of a batch's entities, as UTF-8 bytes back to back in
 * one buffer of its own: it crosses from a worker thread as one transfer,
 * and each entity's bytes are copied out of it as they are: only a changed
 * entity's are ever decoded (to diff it). Sending the texts as strings cost a copy on
 * each side and, for a re-diff, ≈ 225 MB of strings to collect on the main
 * thread (docs/performance.md).
 */
export class CanonicalSink {
  private buffer: Buffer;
  length = 0;

  /**
   * `expectedBytes`: the elements' own bytes, which their canonical form
   * rarely exceeds (it drops whitespace and empties). `spare`: a buffer to
   * write into when it is that large (one the reader has finished with).
   */
  constructor(expectedBytes: number, spare?: ArrayBuffer) {
    this.buffer =
      spare && spare.byteLength >= expectedBytes
        ? Buffer.from(spare)
        : Buffer.allocUnsafeSlow(Math.max(expectedBytes, 1024));
  }

  /** Appends the text; returns its bytes (valid until the next write). */
  write(text: string): Uint8Array {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    const room = this.length + text.length * 3;
    if (room > this.buffer.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(room, this.buffer.length * 2));
      this.buffer.copy(bigger, 0, 0, this.length);
      this.buffer = bigger;
    }
    const start = this.length;
    this.length += this.buffer.write(text, start, 'utf8');
    return this.buffer.subarray(start, this.length);
  }

  /** The bytes written, in a buffer of their own (transferable). */
  take(): Uint8Array {
    return new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.length);
  }
}
