// Reading and rewriting the parts of a WebAssembly binary that scripts/post-build.mjs needs
// (https://webassembly.github.io/spec/core/binary/): the names in the import and export
// sections, and where the data segments are written. Everything else is copied byte for byte.

/** `bytes` (a wasm binary) with each import's module and name and each export's name passed
 *  through `rename`, and without custom sections. */
export function renameImportsAndExports(bytes, rename) {
  const read = wasmReader(bytes);
  const encodeUleb = (value) => {
    const out = [];
    do { let byte = value % 128; value = Math.floor(value / 128); if (value) byte |= 0x80; out.push(byte); } while (value);
    return Buffer.from(out);
  };
  const encodeName = (text) => { const utf8 = Buffer.from(text, "utf8"); return Buffer.concat([encodeUleb(utf8.length), utf8]); };
  const skipValueType = () => { const type = read.byte(); if (type === 0x63 || type === 0x64) read.sleb(); };
  const skipLimits = () => { const flags = read.byte(); read.uleb(); if (flags & 1) read.uleb(); };
  const parts = [bytes.subarray(0, 8)];
  for (const { id, start, end } of read.sections()) {
    if (id === 0) continue; // a custom section
    if (id !== 2 && id !== 7) {
      parts.push(Buffer.from([id]), encodeUleb(end - start), bytes.subarray(start, end));
      continue;
    }
    const count = read.uleb();
    const entries = [encodeUleb(count)];
    for (let i = 0; i < count; i++) {
      if (id === 2) { // import: module, name, then its kind and description, kept as they are
        const module = read.name();
        const field = read.name();
        const description = read.at;
        const kind = read.byte();
        if (kind === 0) read.uleb(); // a function: its type
        else if (kind === 1) { skipValueType(); skipLimits(); } // a table
        else if (kind === 2) skipLimits(); // a memory
        else if (kind === 3) { skipValueType(); read.byte(); } // a global: its type, mutability
        else if (kind === 4) { read.byte(); read.uleb(); } // a tag
        else throw new Error(`post-build: unknown import kind ${kind}`);
        entries.push(encodeName(rename(module)), encodeName(rename(field)), bytes.subarray(description, read.at));
      } else { // export: name, then its kind and index
        const field = read.name();
        const description = read.at;
        read.byte();
        read.uleb();
        entries.push(encodeName(rename(field)), bytes.subarray(description, read.at));
      }
    }
    if (read.at !== end) throw new Error(`post-build: section ${id} did not read to its end`);
    const payload = Buffer.concat(entries);
    parts.push(Buffer.from([id]), encodeUleb(payload.length), payload);
  }
  return Buffer.concat(parts);
}

/** The lowest address a data segment of `bytes` (a wasm binary) is written to. */
export function lowestDataAddress(bytes) {
  const read = wasmReader(bytes);
  let lowest = Infinity;
  for (const { id } of read.sections()) {
    if (id !== 11) continue; // the data section
    for (let count = read.uleb(); count > 0; count--) {
      const flags = read.uleb();
      if (flags !== 1) { // active, not passive: written at its offset
        if (flags === 2) read.uleb(); // a memory index
        if (read.byte() !== 0x41) throw new Error("post-build: a data segment at a computed address");
        lowest = Math.min(lowest, read.sleb());
        read.byte(); // the offset expression's end
      }
      const length = read.uleb();
      read.at += length; // the segment's bytes
    }
  }
  return lowest;
}

/** A cursor over a wasm binary: its bytes, LEB128 numbers and names, and its sections. */
function wasmReader(bytes) {
  const read = { at: 8 };
  read.byte = () => bytes[read.at++];
  const leb = (signed) => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[read.at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return signed && byte & 0x40 ? value - 2 ** shift : value;
  };
  read.uleb = () => leb(false);
  read.sleb = () => leb(true);
  read.name = () => { const length = read.uleb(); read.at += length; return bytes.subarray(read.at - length, read.at).toString("utf8"); };
  /** Each section as `{id, start, end}` (its contents' bounds); the cursor is at `start`. */
  read.sections = function* () {
    read.at = 8;
    while (read.at < bytes.length) {
      const id = read.byte();
      const size = read.uleb();
      const start = read.at;
      yield { id, start, end: start + size };
      read.at = start + size;
    }
  };
  return read;
}
