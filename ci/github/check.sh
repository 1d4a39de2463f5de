#!/usr/bin/env bash
# Runs `prodready check` with the action's inputs (PRODREADY_* env), writes the Markdown report to the job
# summary and the report paths to the step outputs, then exits with prodready's code (the gate).
set -uo pipefail

cli="$GITHUB_ACTION_PATH/dist/cli.js"
out="${PRODREADY_OUTPUT_DIR:-prodready-report}"
mkdir -p "$out"

args=(check --fail-on "${PRODREADY_FAIL_ON:-error}")
add_files() { # flag, list separated by newlines or spaces
  local flag="$1" f
  for f in $2; do args+=("$flag" "$f"); done
}
set -f # the lists are paths, not globs
add_files --values "${PRODREADY_VALUES:-}"
add_files --env "${PRODREADY_ENV:-}"
add_files --manifests "${PRODREADY_MANIFESTS:-}"
set +f
if [ -n "${PRODREADY_ENVIRONMENT:-}" ]; then args+=(--environment "$PRODREADY_ENVIRONMENT"); fi

markdown="$out/prodready.md"
sarif="$out/prodready.sarif"
args+=(--format markdown --output "$markdown" --format sarif --output "$sarif")
stdout_format=text
junit=""
for f in ${PRODREADY_FORMATS//,/ }; do
  case "$f" in
    markdown | sarif) ;;
    github) stdout_format=github ;;
    junit) junit="$out/prodready.xml"; args+=(--format junit --output "$junit") ;;
    json) args+=(--format json --output "$out/prodready.json") ;;
    html) args+=(--format html --output "$out/prodready.html") ;;
    text) args+=(--format text --output "$out/prodready.txt") ;;
    *) echo "::error title=prodready::unknown format \"$f\" in formats (junit, json, html, text, github)"; exit 2 ;;
  esac
done
# Annotations are workflow commands: they act only on stdout.
args+=(--format "$stdout_format" --output -)

while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  if [ -n "$line" ]; then args+=("$line"); fi
done <<< "${PRODREADY_ARGS:-}"

code=0
node "$cli" "${args[@]}" || code=$?

# GitHub takes at most 1 MiB of summary per step.
if [ -f "$markdown" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  limit=1000000
  if [ "$(wc -c < "$markdown")" -le "$limit" ]; then
    cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
  else
    head -c "$limit" "$markdown" >> "$GITHUB_STEP_SUMMARY"
    printf '\n\n_The report was cut at 1 MB: the whole of it is in %s._\n' "$markdown" >> "$GITHUB_STEP_SUMMARY"
  fi
fi
{
  echo "exit-code=$code"
  echo "markdown=$markdown"
  if [ -f "$sarif" ]; then echo "sarif=$sarif"; fi
  if [ -n "$junit" ] && [ -f "$junit" ]; then echo "junit=$junit"; fi
} >> "$GITHUB_OUTPUT"
exit "$code"
