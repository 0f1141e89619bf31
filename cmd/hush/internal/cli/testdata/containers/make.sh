#!/bin/sh
# Makes the containers of clean logs that real tools write, for
# TestContainersOfRealWriters: every record, extra field, descriptor and
# frame these tools put around the content must be read as checked (no
# "not checked", exit 0), and scrub must write them back valid.
# Run in this directory: sh make.sh (needs zip, jar, python3, GNU tar,
# gzip, zstd, pzstd).
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/logs/sub"
printf 'nothing here\n' > "$tmp/logs/a.log"
seq 1 200 | sed 's/^/line /' > "$tmp/logs/sub/b.log"
here=$(pwd)
export SOURCE_DATE_EPOCH=1700000000 TZ=UTC
touch -d @1700000000 "$tmp/logs/a.log" "$tmp/logs/sub/b.log" "$tmp/logs/sub" "$tmp/logs"
cd "$tmp"
rm -f "$here"/*.zip "$here"/*.jar "$here"/*.tar "$here"/*.gz "$here"/*.zst
# Info-ZIP: extra fields (UT, ux), an archive comment, an entry comment.
zip -qX0 -r "$here/infozip-stored.zip" logs
zip -q -r "$here/infozip.zip" logs
echo "a bundle" | zip -qz "$here/infozip.zip"
printf 'entry comment\n.\n' | zip -qc "$here/infozip.zip" logs/a.log
# Info-ZIP streaming: data descriptors; forced zip64 records.
cat logs/sub/b.log | zip -q - - | cat > "$here/infozip-stream.zip"
zip -q -fz -r "$here/infozip-zip64.zip" logs
# jar: data descriptors, the 0xCAFE extra field.
jar cf "$here/java.jar" logs
# Python zipfile: to a stream (descriptors, zip64 extra fields).
python3 - "$here" <<'PY'
import sys, zipfile, io
class Stream(io.RawIOBase):
    def __init__(self, f): self.f = f
    def writable(self): return True
    def write(self, b): return self.f.write(b)
with open(sys.argv[1] + "/python-stream.zip", "wb") as f:
    with zipfile.ZipFile(Stream(f), "w", zipfile.ZIP_DEFLATED) as z:
        for n in ["logs/a.log", "logs/sub/b.log"]:
            with open(n, "rb") as src, z.open(zipfile.ZipInfo(n, (2023, 11, 14, 22, 13, 20)), "w", force_zip64=True) as dst:
                dst.write(src.read())
PY
# GNU tar in each format, and gzipped, and long names.
for f in gnu pax ustar v7; do tar --format=$f --owner=0 --group=0 --mtime=@1700000000 -cf "$here/gnutar-$f.tar" logs; done
mkdir -p "logs/$(printf 'd%.0s' $(seq 1 120))" && cp logs/a.log "logs/$(printf 'd%.0s' $(seq 1 120))/"
tar --format=gnu --owner=0 --group=0 --mtime=@1700000000 -cf "$here/gnutar-longname.tar" logs
tar --format=pax --owner=0 --group=0 --mtime=@1700000000 -cf "$here/paxtar-longname.tar" logs
tar --format=gnu --owner=0 --group=0 --mtime=@1700000000 -cf - logs | gzip -n9 > "$here/gnutar.tgz"
# gzip: a named member, and several members (as logrotate and cat make).
gzip -c logs/a.log > "$here/named.log.gz"
gzip -nc logs/a.log > "$here/members.log.gz"
gzip -c logs/sub/b.log >> "$here/members.log.gz"
# zstd, several frames, pzstd (skippable frames before each frame).
zstd -q -c logs/sub/b.log > "$here/one.log.zst"
zstd -q -c logs/a.log > "$here/frames.log.zst" && zstd -q -c logs/sub/b.log >> "$here/frames.log.zst"
yes "nothing here" | head -c 3000000 > big.log && pzstd -q -1 -p 2 -c big.log > "$here/pzstd.log.zst"
