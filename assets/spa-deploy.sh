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
#   SPA_RUNTIME_CONFIG_PATH        default config.json
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

# ---------------------------------------------------------------------------------------------- settings
BUCKET="${SPA_BUCKET:-}"
DISTRIBUTION_ID="${SPA_DISTRIBUTION_ID:-}"
SOURCE_DIR="${SPA_SOURCE_DIR:-}"
HASHED_PATTERN="${SPA_HASHED_PATTERN:-$DEFAULT_HASHED_PATTERN}"
SHORT_CACHE="${SPA_SHORT_CACHE:-public, max-age=300}"
RUNTIME_CONFIG="${SPA_RUNTIME_CONFIG:-}"
CONFIG_PATH="${SPA_RUNTIME_CONFIG_PATH:-config.json}"
CONFIG_PATH="${CONFIG_PATH#/}"
KEEP_RELEASES="${SPA_KEEP_RELEASES:-3}"
WAIT_SECONDS="${SPA_INVALIDATION_WAIT_SECONDS:-300}"
POLL_SECONDS="${SPA_INVALIDATION_POLL_SECONDS:-10}"
SOURCE_MAPS="${SPA_SOURCE_MAPS:-private}"
RELEASE_ID="${SPA_RELEASE_ID:-${CODEBUILD_RESOLVED_SOURCE_VERSION:-$(date -u +%Y%m%dT%H%M%SZ)}}"

[[ -n "$BUCKET" ]] || die "SPA_BUCKET is required"
[[ -n "$DISTRIBUTION_ID" ]] || die "SPA_DISTRIBUTION_ID is required"
[[ -n "$SOURCE_DIR" ]] || die "SPA_SOURCE_DIR is required"
[[ -d "$SOURCE_DIR" ]] || die "SPA_SOURCE_DIR '$SOURCE_DIR' is not a directory"
[[ -f "$SOURCE_DIR/index.html" ]] || die "SPA_SOURCE_DIR '$SOURCE_DIR' has no index.html: was the app built?"
[[ "$KEEP_RELEASES" =~ ^[1-9][0-9]*$ ]] || die "SPA_KEEP_RELEASES must be an integer >= 1, got '$KEEP_RELEASES'"
[[ "$WAIT_SECONDS" =~ ^[0-9]+$ ]] || die "SPA_INVALIDATION_WAIT_SECONDS must be an integer >= 0, got '$WAIT_SECONDS'"
[[ "$POLL_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "SPA_INVALIDATION_POLL_SECONDS must be an integer >= 1, got '$POLL_SECONDS'"
[[ "$SOURCE_MAPS" == private || "$SOURCE_MAPS" == public ]] || die "SPA_SOURCE_MAPS must be 'private' or 'public', got '$SOURCE_MAPS'"
[[ -n "$CONFIG_PATH" && "$CONFIG_PATH" != "index.html" && "$CONFIG_PATH" != _spa-deploy/* ]] \
  || die "SPA_RUNTIME_CONFIG_PATH '$CONFIG_PATH' is not usable"
[[ ! "$CONFIG_PATH" =~ $HASHED_PATTERN ]] || die "SPA_RUNTIME_CONFIG_PATH '$CONFIG_PATH' matches SPA_HASHED_PATTERN"
command -v aws >/dev/null || die "the AWS CLI (aws) is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH"

export AWS_PAGER=""  # CLI v2 would otherwise page output through less

WORK="$(mktemp -d "${TMPDIR:-/tmp}/spa-deploy.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
SOURCE_ABS="$(cd "$SOURCE_DIR" && pwd -P)"

# JSON work (manifest, listing, config validation, request bodies) in one small helper.
PY_HELPER="$(cat <<'PY'
import json, os, sys, urllib.parse

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

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "check-config":
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
py() { python3 -c "$PY_HELPER" "$@"; }

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

# files.tsv: key<TAB>md5<TAB>size, sorted by key (the generated runtime config included)
(cd "$SOURCE_ABS" && find . -type f -printf '%P\n') | LC_ALL=C sort > "$WORK/paths"
if grep -q $'[\t\\]' "$WORK/paths"; then
  die "file names with tabs or backslashes are not supported: $(grep $'[\t\\]' "$WORK/paths" | head -n 3 | tr '\n' ' ')"
fi
if grep -q '^_spa-deploy/' "$WORK/paths"; then
  die "the build output must not contain _spa-deploy/ (reserved for the release manifest)"
fi
if [[ "$SOURCE_MAPS" == private ]] && grep -q '\.map$' "$WORK/paths"; then
  log "source maps are private: $(grep -c '\.map$' "$WORK/paths") .map files not uploaded"
  { grep -v '\.map$' "$WORK/paths" || true; } > "$WORK/paths.tmp"  # grep exits 1 on no lines
  mv "$WORK/paths.tmp" "$WORK/paths"
fi
GENERATED_CONFIG=""
if [[ -n "$RUNTIME_CONFIG" ]]; then
  if grep -qxF -- "$CONFIG_PATH" "$WORK/paths"; then
    warn "SPA_RUNTIME_CONFIG replaces $CONFIG_PATH from the build output"
  fi
  GENERATED_CONFIG="$WORK/generated/$CONFIG_PATH"
  mkdir -p "$(dirname -- "$GENERATED_CONFIG")"
  printf '%s\n' "$RUNTIME_CONFIG" > "$GENERATED_CONFIG"
  { grep -vxF -- "$CONFIG_PATH" "$WORK/paths" || true; } > "$WORK/paths.tmp"  # grep exits 1 on no lines
  mv "$WORK/paths.tmp" "$WORK/paths"
fi
: > "$WORK/files.tsv"
if [[ -s "$WORK/paths" ]]; then
  (cd "$SOURCE_ABS" && xargs -d '\n' -a "$WORK/paths" md5sum --) | cut -c1-32 > "$WORK/md5"
  (cd "$SOURCE_ABS" && xargs -d '\n' -a "$WORK/paths" stat -c %s --) > "$WORK/sizes"
  paste "$WORK/paths" "$WORK/md5" "$WORK/sizes" > "$WORK/files.tsv"
fi
if [[ -n "$GENERATED_CONFIG" ]]; then
  printf '%s\t%s\t%s\n' "$CONFIG_PATH" "$(md5sum < "$GENERATED_CONFIG" | cut -c1-32)" \
    "$(stat -c %s -- "$GENERATED_CONFIG")" >> "$WORK/files.tsv"
  LC_ALL=C sort -o "$WORK/files.tsv" "$WORK/files.tsv"
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
