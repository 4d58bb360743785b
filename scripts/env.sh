# Sourced by the scripts: one cargo target directory outside the clone, so every checkout and
# CI run on this machine reuses the slow AWS SDK build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tomwatch/target}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
