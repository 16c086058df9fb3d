#!/usr/bin/env bash
# Prints the path of an executable that runs Temporal's time-skipping test server, so tests can
# cross deadlines of hours and days at once. The SDK's own download of the server needs the open
# internet, which the network's machines lack, so the Java build of the same server is fetched once
# from Maven Central and cached between runs behind a wrapper taking the SDK's arguments (`<port>`).
set -euo pipefail

version="${TEMPORAL_TEST_SERVER_VERSION:-1.38.0}"
cache="${ILL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ill}"
home="$cache/temporal-test-server-$version"
target="$home/temporal-test-server"

if [[ -n "${TEMPORAL_TEST_SERVER:-}" ]]; then
  if [[ -x "$TEMPORAL_TEST_SERVER" ]]; then echo "$TEMPORAL_TEST_SERVER"; exit 0; fi
  echo "$TEMPORAL_TEST_SERVER is not an executable file" >&2
  exit 2
fi
# The wrapper needs java on every run, not only to build.
missing=()
command -v java >/dev/null 2>&1 || missing+=(java)
[[ -x "$target" ]] || command -v mvn >/dev/null 2>&1 || missing+=(mvn)
if ((${#missing[@]})); then
  printf -v what '%s and ' "${missing[@]}"
  echo "the Temporal test server needs ${what% and } on PATH: install Java and Maven (apt-get install openjdk-17-jre-headless maven) or set TEMPORAL_TEST_SERVER to a test server executable" >&2
  exit 2
fi
if [[ -x "$target" ]]; then echo "$target"; exit 0; fi

mkdir -p "$cache"
# Built beside its final place so that the closing rename is atomic for concurrent first runs.
work=$(mktemp -d "$cache/.temporal-test-server.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "fetching the Temporal test server $version from Maven Central (once)..." >&2
cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ill.local</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>0</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>$version</version>
    </dependency>
    <!-- The server logs through SLF4J and would otherwise print a warning about a missing binding. -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-simple</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
</project>
EOF
mkdir "$work/home"
if ! mvn -B -q -Dstyle.color=never -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$work/home/lib" >"$work/build.log" 2>&1; then
  tail -n 20 "$work/build.log" >&2
  echo "fetching the Temporal test server $version failed (log above); set TEMPORAL_TEST_SERVER to a test server executable instead" >&2
  exit 2
fi
# exec, so that the SDK's kill of its child stops the JVM itself. The JVM flags favour start-up
# time: the SDK gives the server five seconds to answer, and it serves only small test loads.
cat >"$work/home/temporal-test-server" <<EOF
#!/usr/bin/env bash
# Temporal's time-skipping test server $version, written by scripts/temporal-test-server.sh.
# Usage: temporal-test-server <port> [--enable-time-skipping]; TEMPORAL_TEST_SERVER_LOG_LEVEL=debug for its logs.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \\
  -Dorg.slf4j.simpleLogger.defaultLogLevel=\${TEMPORAL_TEST_SERVER_LOG_LEVEL:-warn} \\
  -cp $(printf '%q' "$home/lib/*") io.temporal.testserver.TestServer "\$@"
EOF
chmod +x "$work/home/temporal-test-server"
# Another run may have finished first; its copy is as good as ours.
if ! mv -T "$work/home" "$home" 2>/dev/null && [[ ! -x "$target" ]]; then
  echo "could not put the Temporal test server in $home; set TEMPORAL_TEST_SERVER to a test server executable instead" >&2
  exit 2
fi
echo "$target"
