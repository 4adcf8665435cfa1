# shellcheck shell=bash
# Shared by the bin/ scripts (sourced, not run): the repository, "build when needed", and the class paths of what the
# build makes. The Maven build (pom.xml) produces:
#   target/ecom-pipeline.jar        the application (src/main), what the production image runs with target/lib/
#   target/ecom-pipeline-local.jar  the local launcher and the embedded servers' start-up (src/local, package
#                                   io.ecompipeline.local)
#   target/local.classpath          the dependencies of both, with the embedded servers (Maven's test scope)
#   target/test-classes             the tests and the benchmark/soak programs (src/test/java/io/ecompipeline/tools)
#
#   ep_root                   the repository (absolute)
#   ep_mvn DIR WHAT ARGS...   mvn -B -q ARGS in DIR, quiet unless it fails ("<script>: WHAT failed" and its log)
#   ep_build_if_needed        `mvn package` (tests skipped) on first use or when pom.xml, src/ or asl/ changed
#   ep_launcher_classpath     the two jars and their dependencies: what bin/ecom-pipeline runs
#   ep_tools_classpath        the test classes, the application's classes and the same dependencies: the tools'

ep_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ep_script="$(basename "$0")"

ep_mvn() {
  local dir="$1" what="$2"
  shift 2
  local log
  log="$(mktemp)"
  if ! (cd "$dir" && mvn -B -q "$@") >"$log" 2>&1; then
    cat "$log" >&2
    echo "$ep_script: $what failed (log above)" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

ep_needs_build() {
  local target="$ep_root/target"
  [ -f "$target/.built" ] && [ -f "$target/local.classpath" ] && [ -f "$target/ecom-pipeline.jar" ] &&
    [ -f "$target/ecom-pipeline-local.jar" ] || return 0
  [ -n "$(cd "$ep_root" && find pom.xml src asl -newer "$target/.built" -print -quit 2>/dev/null)" ]
}

ep_build_if_needed() {
  ep_needs_build || return 0
  echo "$ep_script: building (first use or sources changed)..." >&2
  # -DskipTests: compiles the tests (the tools live there) without running them, and needs no Node
  ep_mvn "$ep_root" "the build" -DskipTests package || exit 1
  rm -rf "$ep_root/target/cds" # bin/ecom-pipeline's class data sharing archive belongs to the previous build
  touch "$ep_root/target/.built"
}

ep_launcher_classpath() {
  local target="$ep_root/target"
  printf '%s' "$target/ecom-pipeline.jar:$target/ecom-pipeline-local.jar:$(cat "$target/local.classpath")"
}

ep_tools_classpath() {
  local target="$ep_root/target"
  printf '%s' "$target/test-classes:$target/classes:$(cat "$target/local.classpath")"
}
