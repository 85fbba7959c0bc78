/**
 * The Python program that unpacks an archive inside the sandbox (python3 is there; unzip and tar may not be).
 * argv: archive, destination. zip, tar (any compression) and single .gz files.
 */
export const UNZIP_SCRIPT = `
import gzip, os, shutil, sys, tarfile, zipfile
src, dest = sys.argv[1], sys.argv[2]
if not os.path.isfile(src):
    print("Archive not found: " + src, file=sys.stderr)
    sys.exit(2)
os.makedirs(dest, exist_ok=True)
if zipfile.is_zipfile(src):
    with zipfile.ZipFile(src) as archive:
        archive.extractall(dest)
elif tarfile.is_tarfile(src):
    with tarfile.open(src) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(dest, filter="data")
        else:
            archive.extractall(dest)
elif src.endswith(".gz"):
    out = os.path.join(dest, os.path.basename(src)[:-3])
    with gzip.open(src) as packed, open(out, "wb") as plain:
        shutil.copyfileobj(packed, plain)
else:
    print("Not a zip, tar or gzip archive: " + src, file=sys.stderr)
    sys.exit(2)
print("Extracted " + src + " to " + dest)
`;
