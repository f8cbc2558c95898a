#!/usr/bin/env bash
# spa-deploy.sh: deploy a built single-page app to an S3 bucket behind CloudFront without downtime.
#
# Runs after the SPA was built (CodeBuild, or any Linux shell with bash 4+, GNU coreutils/findutils, python3
# and the AWS CLI v1 or v2):
#
#   SPA_BUCKET=my-site-bucket SPA_DISTRIBUTION_ID=E1234567890 SPA_SOURCE_DIR=dist bash spa-deploy.sh
#
# Configured by environment variables:
#
#   SPA_BUCKET                     required  bucket name (no s3:// prefix); objects go to its root
#   SPA_DISTRIBUTION_ID            required  CloudFront distribution serving the bucket
#   SPA_SOURCE_DIR                 required  build output directory (dist, build); must contain index.html
#   SPA_HASHED_PATTERN             extended regex (POSIX ERE, matched with bash =~) on the path relative to
#                                  SPA_SOURCE_DIR; a match is a content-hashed, immutable file. The default
#                                  matches what Vite emits (assets/<name>-<hash>.<ext>, hash 8+ chars of
#                                  [A-Za-z0-9_-]) and what Create React App emits (static/js|css|media/
#                                  <name>.<hash>[.chunk].<ext>), including .map and .LICENSE.txt companions.
#   SPA_SHORT_CACHE                Cache-Control of the other non-hashed files (favicon, robots.txt...);
#                                  default "public, max-age=300"
#   SPA_RUNTIME_CONFIG             optional JSON object text, written to SPA_RUNTIME_CONFIG_PATH (replacing a
#                                  file of that name in the build output). Without it, a file at that path in
#                                  the build output is still treated as the runtime config.
#   SPA_RUNTIME_CONFIG_PATH        default config.json; relative to the site root, without '..', '.' or empty
#                                  segments, not index.html, not under _spa-deploy/, not matching SPA_HASHED_PATTERN
#   SPA_SOURCE_MAPS                "private" (default): *.map files of the build output are not uploaded, so
#                                  viewers can't read the original source (upload them to your error tracker
#                                  in the build); "public": uploaded and served like the files they belong to
#   SPA_KEEP_RELEASES              default 3: after a successful deploy, files that only releases older than
#                                  the newest N live ones listed are deleted (a failed deploy's release is
#                                  kept while it is newer than the oldest kept live one, and takes no slot)
#   SPA_INVALIDATION_WAIT_SECONDS  default 300; 0 = create the invalidation and don't wait for it
#   SPA_INVALIDATION_POLL_SECONDS  default 10: interval between get-invalidation polls
#   SPA_RELEASE_ID                 default CODEBUILD_RESOLVED_SOURCE_VERSION, else a UTC timestamp. Deploying
#                                  an id that is already in the manifest (a retry) merges into that release.
#   AWS_*                          the AWS CLI's own variables (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL...)
#
# Before the first AWS call it checks every setting (numbers in range, a valid ERE that does not match
# index.html, a bucket name without s3://, a distribution ID, no control characters) and the build output: an
# index.html that is a non-empty regular file, and no entry it can't upload as it is: symbolic links (which
# could point outside the build), pipes, sockets and devices, names with control characters (newline, tab),
# backslashes or invalid UTF-8, keys over 1024 bytes, unreadable files, anything under _spa-deploy/. A refusal
# names each offending file and uploads nothing. Spaces, non-ASCII letters, leading dashes, '#', '%' and '+'
# in names are fine.
#
# What it does, in this order (any failing command stops it before index.html moves):
#   1. lists the bucket and reads the release manifest s3://$SPA_BUCKET/_spa-deploy/releases.json
#   2. records the new release as "pending" in the manifest (so that even a failed deploy's files are
#      tracked and pruned later)
#   3. uploads hashed files missing from the bucket: Cache-Control "public, max-age=31536000, immutable"
#      (a hashed key already in the bucket with the same size is skipped: same key, same content)
#   4. uploads every other file except the runtime config and index.html: Cache-Control $SPA_SHORT_CACHE
#   5. uploads the runtime config: Cache-Control no-cache
#   6. uploads index.html last: Cache-Control no-cache. From here on the new release is live.
#   7. invalidates only the non-hashed paths whose content differs from the last live release (/, /index.html
#      when index.html changed, the config path, other changed or new non-hashed files); never /*. Nothing
#      changed: no invalidation.
#   8. deletes the files that only releases older than the newest SPA_KEEP_RELEASES live ones listed (never
#      the manifest, never objects that no release in the manifest ever listed), then marks the release
#      "live" and writes the trimmed manifest
#   9. waits up to SPA_INVALIDATION_WAIT_SECONDS for the invalidation. Exceeding the bound prints a warning
#      and exits 0: the files are live and CloudFront finishes the invalidation on its own; failing the build
#      would only make a pipeline retry a deploy that already succeeded.
# After index.html went live, a failing invalidation, prune or manifest write still exits non-zero; running
# the deploy again is safe (hashed files are skipped, and changes are compared with the last release the
# manifest records as live, so the retry invalidates again).
# Caveats: a hashed key already in the bucket is never re-uploaded, so its metadata stays as first written; a
# non-hashed file whose name happens to match SPA_HASHED_PATTERN (say public/assets/my-longname.js) would be
# cached as immutable: rename it or narrow the pattern.
# Content-Type is set explicitly for the common web types (.js text/javascript, .css text/css, .html
# text/html, .json/.map application/json, .svg image/svg+xml, .woff2 font/woff2...); other extensions are
# left to the CLI's guess.
#
# Needs: s3:ListBucket on the bucket; s3:GetObject, s3:PutObject, s3:DeleteObject on its objects;
# cloudfront:CreateInvalidation and cloudfront:GetInvalidation on the distribution.
# Not safe for two concurrent deploys to the same bucket (run the pipeline with QUEUED or SUPERSEDED).
# A versioned bucket keeps pruned objects as noncurrent versions: expire them with a lifecycle rule.
set -euo pipefail

readonly MANIFEST_KEY="_spa-deploy/releases.json"
readonly IMMUTABLE_CACHE="public, max-age=31536000, immutable"
readonly ENTRY_CACHE="no-cache"
readonly DEFAULT_HASHED_PATTERN='^(assets/[^/]+-[A-Za-z0-9_-]{8,}|static/(js|css|media)/[^/]+\.[A-Za-z0-9_-]{8,}(\.chunk)?)\.[A-Za-z0-9]+(\.map|\.LICENSE\.txt)?$'

log() { printf 'spa-deploy: %s\n' "$*"; }
warn() { printf 'spa-deploy: WARNING: %s\n' "$*" >&2; }
die() { printf 'spa-deploy: ERROR: %s\n' "$*" >&2; exit 1; }

# A value for a message: quoted, control characters escaped (a newline in a value must not end the message).
shown() {
  if [[ "$1" == *[[:cntrl:]]* ]]; then printf '%q' "$1"; else printf "'%s'" "$1"; fi
}
# int_setting NAME VALUE MIN MAX: dies unless VALUE is a decimal integer in [MIN, MAX]; prints it in base 10
# (bash arithmetic would read 08 as a bad octal number and overflow on 20 digits).
int_setting() {
  [[ "$2" =~ ^[0-9]{1,9}$ ]] && (( 10#$2 >= $3 && 10#$2 <= $4 )) \
    || die "$1 must be an integer from $3 to $4, got $(shown "$2")"
  printf '%d' "$((10#$2))"
}

# ---------------------------------------------------------------------------------------------- settings
# Every setting and the build output are checked here and in the inventory below, before the first AWS call:
# a deploy that can't finish must not upload half a release.
BUCKET="${SPA_BUCKET:-}"
DISTRIBUTION_ID="${SPA_DISTRIBUTION_ID:-}"
SOURCE_DIR="${SPA_SOURCE_DIR:-}"
HASHED_PATTERN="${SPA_HASHED_PATTERN:-$DEFAULT_HASHED_PATTERN}"
SHORT_CACHE="${SPA_SHORT_CACHE:-public, max-age=300}"
RUNTIME_CONFIG="${SPA_RUNTIME_CONFIG:-}"
CONFIG_PATH="${SPA_RUNTIME_CONFIG_PATH:-config.json}"
SOURCE_MAPS="${SPA_SOURCE_MAPS:-private}"
RELEASE_ID="${SPA_RELEASE_ID:-${CODEBUILD_RESOLVED_SOURCE_VERSION:-$(date -u +%Y%m%dT%H%M%SZ)}}"

[[ -n "$BUCKET" ]] || die "SPA_BUCKET is required"
[[ "$BUCKET" != s3://* ]] || die "SPA_BUCKET $(shown "$BUCKET") must be the bucket name alone, without s3://"
[[ "$BUCKET" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$ ]] \
  || die "SPA_BUCKET $(shown "$BUCKET") is not a bucket name (3-255 letters, digits, '.', '_' or '-'; no '/' or spaces)"
[[ -n "$DISTRIBUTION_ID" ]] || die "SPA_DISTRIBUTION_ID is required"
[[ "$DISTRIBUTION_ID" =~ ^[A-Z0-9]{1,32}$ ]] \
  || die "SPA_DISTRIBUTION_ID $(shown "$DISTRIBUTION_ID") is not a CloudFront distribution ID (like E2QWRUHAPOMQZL:" \
    "upper-case letters and digits, not the domain name or the ARN)"
KEEP_RELEASES="$(int_setting SPA_KEEP_RELEASES "${SPA_KEEP_RELEASES:-3}" 1 100)"
WAIT_SECONDS="$(int_setting SPA_INVALIDATION_WAIT_SECONDS "${SPA_INVALIDATION_WAIT_SECONDS:-300}" 0 3600)"
POLL_SECONDS="$(int_setting SPA_INVALIDATION_POLL_SECONDS "${SPA_INVALIDATION_POLL_SECONDS:-10}" 1 300)"
[[ "$SOURCE_MAPS" == private || "$SOURCE_MAPS" == public ]] \
  || die "SPA_SOURCE_MAPS must be 'private' or 'public', got $(shown "$SOURCE_MAPS")"
[[ "$SHORT_CACHE" != *[[:cntrl:]]* ]] || die "SPA_SHORT_CACHE $(shown "$SHORT_CACHE") has control characters"
[[ "$RELEASE_ID" =~ ^[A-Za-z0-9._:@+=/-]{1,128}$ ]] \
  || die "SPA_RELEASE_ID $(shown "$RELEASE_ID") must be 1 to 128 letters, digits or . _ : @ + = / -"
# The hashed pattern: a valid ERE ([[ =~ ]] returns 2 for an invalid one, which would make every file "not
# hashed" without a word), not Perl's \d (ERE reads it as "d"), and not matching index.html (which must never
# be cached as immutable; a pattern like .* matches it).
pattern_status=0
[[ "" =~ $HASHED_PATTERN ]] || pattern_status=$?
(( pattern_status != 2 )) || die "SPA_HASHED_PATTERN $(shown "$HASHED_PATTERN") is not a valid extended regular expression (POSIX ERE)"
[[ "$HASHED_PATTERN" != *'\d'* && "$HASHED_PATTERN" != *'\D'* ]] \
  || die "SPA_HASHED_PATTERN $(shown "$HASHED_PATTERN") uses Perl's \\d, which POSIX ERE reads as the letter d: use [0-9]"
[[ ! "index.html" =~ $HASHED_PATTERN ]] \
  || die "SPA_HASHED_PATTERN $(shown "$HASHED_PATTERN") matches index.html, which must never be cached as immutable:" \
    "anchor it on your hashed files (like ^assets/)"
# The runtime config path: a key in the bucket, and a file under the work folder when SPA_RUNTIME_CONFIG is
# written there, so a relative path of plain segments (no '..' leaving the folder, no '.', no empty segment).
config_problem=""
if [[ "$CONFIG_PATH" == /* ]]; then
  config_problem="is absolute: give it relative to the site root (like config.json)"
elif [[ "$CONFIG_PATH" == *[[:cntrl:]\\]* ]]; then
  config_problem="has a control character or a backslash"
elif [[ "/$CONFIG_PATH/" == */../* || "/$CONFIG_PATH/" == */./* || "/$CONFIG_PATH/" == *//* ]]; then
  config_problem="must be a relative path without '..', '.' or empty segments (like config.json or app/config.json)"
elif [[ "$CONFIG_PATH" == index.html || "$CONFIG_PATH" == _spa-deploy || "$CONFIG_PATH" == _spa-deploy/* ]]; then
  config_problem="is index.html or under _spa-deploy/ (reserved for the release manifest)"
elif (( ${#CONFIG_PATH} > 1024 )); then
  config_problem="is longer than 1024 characters"
elif [[ "$CONFIG_PATH" =~ $HASHED_PATTERN ]]; then
  config_problem="matches SPA_HASHED_PATTERN, so it would be cached as immutable"
fi
[[ -z "$config_problem" ]] || die "SPA_RUNTIME_CONFIG_PATH $(shown "$CONFIG_PATH") $config_problem"
[[ -n "$SOURCE_DIR" ]] || die "SPA_SOURCE_DIR is required"
[[ -d "$SOURCE_DIR" ]] || die "SPA_SOURCE_DIR $(shown "$SOURCE_DIR") is not a directory"
[[ -n "$(ls -A -- "$SOURCE_DIR")" ]] || die "SPA_SOURCE_DIR $(shown "$SOURCE_DIR") is empty: was the app built?"
[[ ! -L "$SOURCE_DIR/index.html" ]] \
  || die "SPA_SOURCE_DIR $(shown "$SOURCE_DIR"): index.html is a symbolic link (to $(shown "$(readlink -- "$SOURCE_DIR/index.html")")):" \
    "nothing was uploaded; copy the file in its place (cp --remove-destination \"\$(readlink -f index.html)\" index.html)"
[[ -f "$SOURCE_DIR/index.html" ]] || die "SPA_SOURCE_DIR $(shown "$SOURCE_DIR") has no index.html: was the app built?"
[[ -s "$SOURCE_DIR/index.html" ]] || die "SPA_SOURCE_DIR $(shown "$SOURCE_DIR"): index.html is empty: was the build interrupted?"
command -v aws >/dev/null || die "the AWS CLI (aws) is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH"

export AWS_PAGER=""  # CLI v2 would otherwise page output through less

WORK="$(mktemp -d "${TMPDIR:-/tmp}/spa-deploy.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
SOURCE_ABS="$(cd "$SOURCE_DIR" && pwd -P)"

# JSON work (manifest, listing, config validation, request bodies) in one small helper.
PY_HELPER="$(cat <<'PY'
import hashlib, json, os, stat, sys, urllib.parse

def load_manifest(path):
    if not path or not os.path.exists(path) or os.path.getsize(path) == 0:
        return []
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    releases = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(releases, list):
        sys.exit("spa-deploy: ERROR: the release manifest has no 'releases' list")
    return releases

def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]

def shown(name):
    """A file name for a message: control characters, invalid UTF-8 and backslashes escaped, quoted."""
    out = []
    for ch in name:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch == "\\" or code < 0x20 or 0x7F <= code < 0xA0 or ch in "\u2028\u2029":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\"}.get(ch, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"))
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"

def name_problem(key):
    try:
        encoded = key.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not valid UTF-8"
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029" for ch in key):
        return "its name has a control character (newline, tab...)"
    if "\\" in key:
        return "its name has a backslash"
    if len(encoded) > 1024:
        return "its path is longer than S3's 1024-byte key limit"
    if key == "_spa-deploy" or key.startswith("_spa-deploy/"):
        return "_spa-deploy/ is reserved for the release manifest"
    return None

def md5_of(path):
    try:
        digest = hashlib.md5(usedforsecurity=False)
    except TypeError:  # Python < 3.9
        digest = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

def inventory(root, shown_root, source_maps, config_path, generated, out):
    """Every regular file under root -> out (key md5 size, sorted); prints how many .map files were left out.
    Exits naming every file that can't be uploaded as it is, before anything reaches the bucket."""
    problems, keys = [], []
    def walk_error(error):
        problems.append((os.path.relpath(error.filename, root), f"can't be read ({error.strerror})"))
    for directory, dirs, files in os.walk(root, onerror=walk_error):
        for name in sorted(dirs + files):
            path = os.path.join(directory, name)
            key = os.path.relpath(path, root).replace(os.sep, "/")
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                problems.append((key, f"is a symbolic link (to {shown(os.readlink(path))}): "
                                      "copy the file or folder in its place, or delete the link"))
                continue
            if stat.S_ISDIR(mode):
                problem = name_problem(key)
                if problem:  # one line for the folder, not one per file in it
                    problems.append((key + "/", problem))
                    dirs.remove(name)
                continue
            if not stat.S_ISREG(mode):
                kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
                problems.append((key, f"is {kind}, not a regular file"))
                continue
            problem = name_problem(key)
            if problem is None and not os.access(path, os.R_OK):
                problem = "can't be read (permissions)"
            if problem:
                problems.append((key, problem))
            else:
                keys.append(key)
    if problems:
        lines = [f"  {shown(key)}: {problem}" for key, problem in sorted(problems)[:20]]
        if len(problems) > 20:
            lines.append(f"  ... and {len(problems) - 20} more")
        sys.exit(f"spa-deploy: ERROR: SPA_SOURCE_DIR {shown(shown_root)} has {len(problems)} "
                 f"{'entries' if len(problems) > 1 else 'entry'} that can't be deployed as they are (nothing was uploaded):\n"
                 + "\n".join(lines) + "\nFix: rename, replace or remove them in the build output, then deploy again.")
    maps = 0
    if source_maps == "private":
        maps = sum(key.endswith(".map") for key in keys)
        keys = [key for key in keys if not key.endswith(".map")]
    rows = []
    for key in keys:
        if generated and key == config_path:
            print(f"spa-deploy: WARNING: SPA_RUNTIME_CONFIG replaces {key} from the build output", file=sys.stderr)
            continue
        path = os.path.join(root, key)
        rows.append((key, md5_of(path), os.path.getsize(path)))
    if generated:
        rows.append((config_path, md5_of(generated), os.path.getsize(generated)))
    with open(out, "w", encoding="utf-8") as f:
        f.writelines(f"{key}\t{md5}\t{size}\n" for key, md5, size in sorted(rows))
    print(maps)

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "inventory":
    inventory(*args)
elif cmd == "check-config":
    try:
        value = json.loads(os.environ["SPA_RUNTIME_CONFIG"])
    except ValueError as error:
        sys.exit(f"spa-deploy: ERROR: SPA_RUNTIME_CONFIG is not valid JSON: {error}")
    if not isinstance(value, dict):
        sys.exit("spa-deploy: ERROR: SPA_RUNTIME_CONFIG must be a JSON object")
elif cmd == "listing":  # list-objects-v2 JSON -> key<TAB>size
    text = open(args[0], encoding="utf-8").read().strip()
    data = json.loads(text) if text else {}
    for item in (data or {}).get("Contents") or []:
        print(f"{item['Key']}\t{item['Size']}")
elif cmd == "base":  # manifest -> key<TAB>md5 of the newest live release
    for release in load_manifest(args[0]):
        if release.get("status") == "live":
            for key, md5 in sorted(release.get("files", {}).items()):
                print(f"{key}\t{md5}")
            break
elif cmd == "manifest":  # prev files.tsv id status keep out prune_out listing.tsv
    prev, files_tsv, release_id, status, keep, out, prune_out, listing_tsv = args
    keep = int(keep)
    files = {row[0]: row[1] for row in read_tsv(files_tsv)}
    releases = []
    for release in load_manifest(prev):
        if release.get("id") == release_id:  # a retry of the same release: one entry, union of files
            files = {**release.get("files", {}), **files}
        else:
            releases.append(release)
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    releases.insert(0, {"id": release_id, "status": status, "deployedAt": now, "files": dict(sorted(files.items()))})
    prune = []
    if keep > 0:
        # Keep the newest `keep` live releases and every release newer than the oldest of them: a pending one
        # (a deploy that failed) may or may not have gone live, and does not use up a slot.
        cut, live = len(releases), 0
        for index, release in enumerate(releases):
            live += release.get("status") == "live"
            if live == keep:
                cut = index + 1
                break
        kept, dropped = releases[:cut], releases[cut:]
        referenced = {key for release in kept for key in release.get("files", {})}
        existing = {row[0] for row in read_tsv(listing_tsv)}
        candidates = {key for release in dropped for key in release.get("files", {})}
        prune = sorted(key for key in candidates - referenced
                       if key in existing and not key.startswith("_spa-deploy/"))
        releases = kept
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"version": 1, "releases": releases}, f, indent=1)
        f.write("\n")
    with open(prune_out, "w", encoding="utf-8") as f:
        f.writelines(key + "\n" for key in prune)
elif cmd == "invalidation-batch":  # paths-file caller-ref -> InvalidationBatch JSON
    paths = [line.rstrip("\n") for line in open(args[0], encoding="utf-8") if line.strip()]
    items = [urllib.parse.quote(p, safe="/-_.~!$&'()+,;=:@") for p in paths]
    print(json.dumps({"Paths": {"Quantity": len(items), "Items": items}, "CallerReference": args[1]}))
elif cmd == "delete-batches":  # keys-file out-prefix -> out-prefix.N.json with up to 1000 keys each
    keys = [line.rstrip("\n") for line in open(args[0], encoding="utf-8") if line.strip()]
    for n, start in enumerate(range(0, len(keys), 1000)):
        with open(f"{args[1]}.{n}.json", "w", encoding="utf-8") as f:
            json.dump({"Objects": [{"Key": k} for k in keys[start:start + 1000]], "Quiet": True}, f)
elif cmd == "delete-errors":  # delete-objects response -> exit 1 when it lists errors
    text = open(args[0], encoding="utf-8").read().strip()
    errors = (json.loads(text) if text else {}).get("Errors") or []
    for error in errors:
        print(f"spa-deploy: ERROR: delete {error.get('Key')}: {error.get('Code')} {error.get('Message')}", file=sys.stderr)
    sys.exit(1 if errors else 0)
else:
    sys.exit(f"unknown helper command {cmd}")
PY
)"
py() { python3 -S -c "$PY_HELPER" "$@"; }  # -S: the standard library only, a faster start

# Sets CT to the Content-Type of a path ("" = let the CLI guess). No subshell: called once per file.
content_type_for() {
  local ext="${1##*/}"
  ext="${ext##*.}"
  case "${ext,,}" in
    html|htm) CT="text/html; charset=utf-8" ;;
    js|mjs|cjs) CT="text/javascript; charset=utf-8" ;;
    css) CT="text/css; charset=utf-8" ;;
    json|map) CT="application/json" ;;
    webmanifest) CT="application/manifest+json" ;;
    txt) CT="text/plain; charset=utf-8" ;;
    xml) CT="application/xml" ;;
    svg) CT="image/svg+xml" ;;
    png) CT="image/png" ;;
    jpg|jpeg) CT="image/jpeg" ;;
    gif) CT="image/gif" ;;
    webp) CT="image/webp" ;;
    avif) CT="image/avif" ;;
    ico) CT="image/x-icon" ;;
    woff2) CT="font/woff2" ;;
    woff) CT="font/woff" ;;
    ttf) CT="font/ttf" ;;
    otf) CT="font/otf" ;;
    eot) CT="application/vnd.ms-fontobject" ;;
    wasm) CT="application/wasm" ;;
    pdf) CT="application/pdf" ;;
    mp4) CT="video/mp4" ;;
    webm) CT="video/webm" ;;
    mp3) CT="audio/mpeg" ;;
    *) CT="" ;;
  esac
}

# ------------------------------------------------------------------------------------- local inventory
if [[ -n "$RUNTIME_CONFIG" ]]; then
  py check-config
fi

# files.tsv: key<TAB>md5<TAB>size, sorted by key (the generated runtime config included). The inventory refuses,
# naming each file, what can't be uploaded as it is: links and other non-regular files, names S3 or this
# program can't carry safely (control characters, backslashes, invalid UTF-8, over 1024 bytes), unreadable files.
GENERATED_CONFIG=""
if [[ -n "$RUNTIME_CONFIG" ]]; then
  GENERATED_CONFIG="$WORK/generated/$CONFIG_PATH"
  mkdir -p "$(dirname -- "$GENERATED_CONFIG")"
  printf '%s\n' "$RUNTIME_CONFIG" > "$GENERATED_CONFIG"
fi
MAPS_SKIPPED="$(py inventory "$SOURCE_ABS" "$SOURCE_DIR" "$SOURCE_MAPS" "$CONFIG_PATH" "$GENERATED_CONFIG" "$WORK/files.tsv")"
if [[ "$MAPS_SKIPPED" != 0 ]]; then
  log "source maps are private: $MAPS_SKIPPED .map files not uploaded"
fi
cut -f1,2 "$WORK/files.tsv" > "$WORK/release.tsv"

# ------------------------------------------------------------------------------------ bucket + manifest
log "release $RELEASE_ID: $(wc -l < "$WORK/files.tsv") files from $SOURCE_DIR to s3://$BUCKET (distribution $DISTRIBUTION_ID)"
aws s3api list-objects-v2 --bucket "$BUCKET" --output json > "$WORK/listing.json"
py listing "$WORK/listing.json" > "$WORK/listing.tsv"
declare -A REMOTE_SIZE=()
while IFS=$'\t' read -r key size; do
  REMOTE_SIZE["$key"]="$size"
done < "$WORK/listing.tsv"

: > "$WORK/previous.json"
if [[ -n "${REMOTE_SIZE[$MANIFEST_KEY]+set}" ]]; then
  aws s3 cp "s3://$BUCKET/$MANIFEST_KEY" "$WORK/previous.json" --only-show-errors --no-progress
fi
py base "$WORK/previous.json" > "$WORK/base.tsv"
declare -A BASE_MD5=()
while IFS=$'\t' read -r key md5; do
  BASE_MD5["$key"]="$md5"
done < "$WORK/base.tsv"

put_manifest() {
  aws s3 cp "$1" "s3://$BUCKET/$MANIFEST_KEY" --cache-control no-cache --content-type application/json \
    --only-show-errors --no-progress
}

# Record the release before anything of it reaches the bucket: a deploy that fails halfway leaves files that
# the manifest knows about, so a later deploy prunes them once they fall out of the kept releases.
py manifest "$WORK/previous.json" "$WORK/release.tsv" "$RELEASE_ID" pending 0 "$WORK/pending.json" \
  "$WORK/unused-prune" "$WORK/listing.tsv"
put_manifest "$WORK/pending.json"

# ------------------------------------------------------------------------------------------- plan
UPLOADED=0
UPLOADED_BYTES=0
SKIPPED=0
declare -A GROUP_CT=()
: > "$WORK/invalidate"
ENTRY_ABS=""
CONFIG_ABS=""
while IFS=$'\t' read -r key md5 size; do
  abs="$SOURCE_ABS/$key"
  [[ -z "$GENERATED_CONFIG" || "$key" != "$CONFIG_PATH" ]] || abs="$GENERATED_CONFIG"
  if [[ "${BASE_MD5[$key]-}" != "$md5" && ! "$key" =~ $HASHED_PATTERN ]]; then
    printf '/%s\n' "$key" >> "$WORK/invalidate"
    [[ "$key" != "index.html" ]] || printf '/\n' >> "$WORK/invalidate"
  fi
  if [[ "$key" == "index.html" ]]; then
    ENTRY_ABS="$abs"; ENTRY_SIZE="$size"; continue
  fi
  if [[ "$key" == "$CONFIG_PATH" ]]; then
    CONFIG_ABS="$abs"; CONFIG_SIZE="$size"; continue
  fi
  if [[ "$key" =~ $HASHED_PATTERN ]]; then
    phase=hashed
    if [[ -n "${REMOTE_SIZE[$key]+set}" ]]; then
      if [[ "${REMOTE_SIZE[$key]}" == "$size" ]]; then
        SKIPPED=$((SKIPPED + 1)); continue
      fi
      warn "$key is in the bucket with another size (${REMOTE_SIZE[$key]} vs $size): overwriting an immutable file"
    fi
  else
    phase=short
  fi
  content_type_for "$key"
  group="${CT//[^A-Za-z0-9]/_}"
  group="${group:-guess}"
  GROUP_CT["$phase/$group"]="$CT"
  if [[ "$key" == */* ]]; then mkdir -p "$WORK/stage/$phase/$group/${key%/*}"; else mkdir -p "$WORK/stage/$phase/$group"; fi
  ln -s "$abs" "$WORK/stage/$phase/$group/$key"
  UPLOADED=$((UPLOADED + 1))
  UPLOADED_BYTES=$((UPLOADED_BYTES + size))
done < "$WORK/files.tsv"

# ------------------------------------------------------------------------------------------- upload
upload_phase() {  # phase cache-control
  local phase="$1" cache="$2" dir group
  [[ -d "$WORK/stage/$phase" ]] || return 0
  for dir in "$WORK/stage/$phase"/*/; do
    group="$phase/$(basename "$dir")"
    log "upload $group ($(find "$dir" -type l | wc -l) files, Cache-Control: $cache)"
    aws s3 cp "$dir" "s3://$BUCKET/" --recursive --follow-symlinks --only-show-errors --no-progress \
      --cache-control "$cache" ${GROUP_CT[$group]:+--content-type "${GROUP_CT[$group]}"}
  done
}
upload_one() {  # absolute-file key cache-control
  content_type_for "$2"
  log "upload $2 (Cache-Control: $3)"
  aws s3 cp "$1" "s3://$BUCKET/$2" --only-show-errors --no-progress --cache-control "$3" ${CT:+--content-type "$CT"}
}

upload_phase hashed "$IMMUTABLE_CACHE"
upload_phase short "$SHORT_CACHE"
if [[ -n "$CONFIG_ABS" ]]; then
  upload_one "$CONFIG_ABS" "$CONFIG_PATH" "$ENTRY_CACHE"
  UPLOADED=$((UPLOADED + 1)); UPLOADED_BYTES=$((UPLOADED_BYTES + CONFIG_SIZE))
fi
upload_one "$ENTRY_ABS" index.html "$ENTRY_CACHE"
UPLOADED=$((UPLOADED + 1)); UPLOADED_BYTES=$((UPLOADED_BYTES + ENTRY_SIZE))
log "index.html is live: release $RELEASE_ID"

# ------------------------------------------------------------------------------------- invalidate
INVALIDATION_ID=""
LC_ALL=C sort -u -o "$WORK/invalidate" "$WORK/invalidate"
INVALIDATION_PATHS="$(tr '\n' ' ' < "$WORK/invalidate")"
if [[ -s "$WORK/invalidate" ]]; then
  py invalidation-batch "$WORK/invalidate" "spa-deploy-$RELEASE_ID-$(date -u +%s)-$$" > "$WORK/batch.json"
  INVALIDATION_ID="$(aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" \
    --invalidation-batch "file://$WORK/batch.json" --query Invalidation.Id --output text)"
  log "invalidation $INVALIDATION_ID: $INVALIDATION_PATHS"
else
  log "no entry file changed: no invalidation"
fi

# ------------------------------------------------------------------------------------------ prune
py manifest "$WORK/pending.json" "$WORK/release.tsv" "$RELEASE_ID" live "$KEEP_RELEASES" "$WORK/final.json" \
  "$WORK/prune" "$WORK/listing.tsv"
PRUNED="$(wc -l < "$WORK/prune")"
if [[ "$PRUNED" -gt 0 ]]; then
  log "prune $PRUNED objects that only releases older than the newest $KEEP_RELEASES referenced"
  py delete-batches "$WORK/prune" "$WORK/delete"
  for batch in "$WORK"/delete.*.json; do
    aws s3api delete-objects --bucket "$BUCKET" --delete "file://$batch" --output json > "$WORK/deleted.json"
    py delete-errors "$WORK/deleted.json"
  done
fi
put_manifest "$WORK/final.json"

# ------------------------------------------------------------------------------------------ wait
INVALIDATION_STATUS="none"
if [[ -n "$INVALIDATION_ID" ]]; then
  INVALIDATION_STATUS="not waited for"
  if [[ "$WAIT_SECONDS" -gt 0 ]]; then
    deadline=$((SECONDS + WAIT_SECONDS))
    while :; do
      if ! status="$(aws cloudfront get-invalidation --distribution-id "$DISTRIBUTION_ID" --id "$INVALIDATION_ID" \
        --query Invalidation.Status --output text)"; then
        warn "get-invalidation failed; retrying until the wait bound"
        status="unknown"
      fi
      if [[ "${status,,}" == "completed" ]]; then
        INVALIDATION_STATUS="completed"
        break
      fi
      if [[ "$SECONDS" -ge "$deadline" ]]; then
        INVALIDATION_STATUS="$status after ${WAIT_SECONDS}s"
        warn "invalidation $INVALIDATION_ID is still $status after ${WAIT_SECONDS}s; the new release is live and" \
          "CloudFront completes the invalidation on its own (not failing the deploy)"
        break
      fi
      remaining=$((deadline - SECONDS))
      sleep $((remaining < POLL_SECONDS ? remaining : POLL_SECONDS))
    done
  fi
fi

log "summary: release=$RELEASE_ID uploaded=$UPLOADED bytes=$UPLOADED_BYTES skipped=$SKIPPED pruned=$PRUNED" \
  "invalidation=${INVALIDATION_ID:-none} status=\"$INVALIDATION_STATUS\" paths=\"${INVALIDATION_PATHS% }\""
