#!/usr/bin/env python3
"""Mark a symbol-version requirement of an ELF shared object as weak (VER_FLG_WEAK), in place.

TorchSharp-cpu 0.107.0's libLibTorchSharp.so requires GLIBCXX_3.4.32, but Debian 12's libstdc++ only
provides up to GLIBCXX_3.4.30, so loading it fails (TypeInitializationException for TorchSharp.torch).
The only symbol of that version it lists (_ZSt21ios_base_library_initv) is never referenced at run
time. With the version need marked weak, the dynamic loader only warns instead of refusing to load.
The build copies the original library into bin/ each time: run this after every build.

Usage: weaken_glibcxx.py LIB.so [VERSION ...]   (default version: GLIBCXX_3.4.32)
Standard library only; ELF64 little-endian.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def weaken(path, versions):
    with open(path, "r+b") as f:
        elf = bytearray(f.read())
        if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
            raise SystemExit(f"{path}: not an ELF64 little-endian file")
        shoff, = struct.unpack_from("<Q", elf, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)

        def section(i):
            base = shoff + i * shentsize
            sh_type, = struct.unpack_from("<I", elf, base + 4)
            offset, size = struct.unpack_from("<QQ", elf, base + 0x18)
            link, info = struct.unpack_from("<II", elf, base + 0x28)
            return sh_type, offset, size, link, info

        changed = found = 0
        for i in range(shnum):
            sh_type, offset, _, link, count = section(i)
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = section(link)[1]

            def name(at):
                end = elf.index(b"\0", strtab + at)
                return elf[strtab + at:end].decode()

            need = offset
            for _ in range(count):  # Elf64_Verneed: version, cnt, file, aux, next
                _, cnt, file_name, aux, next_need = struct.unpack_from("<HHIII", elf, need)
                entry = need + aux
                for _ in range(cnt):  # Elf64_Vernaux: hash, flags, other, name, next
                    _, flags, _, vna_name, next_aux = struct.unpack_from("<IHHII", elf, entry)
                    if name(vna_name) in versions:
                        found += 1
                        if not flags & VER_FLG_WEAK:
                            struct.pack_into("<H", elf, entry + 4, flags | VER_FLG_WEAK)
                            changed += 1
                        print(f"{path}: {name(file_name)} {name(vna_name)} flags {flags:#x} -> {flags | VER_FLG_WEAK:#x}")
                    entry += next_aux
                need += next_need
        if changed:
            f.seek(0)
            f.write(elf)
        if not found:
            print(f"{path}: no need of {', '.join(versions)} (nothing to do)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    sys.exit(weaken(sys.argv[1], sys.argv[2:] or ["GLIBCXX_3.4.32"]))
