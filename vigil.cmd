@echo off
rem Vigil launcher for Windows: builds the jar with Maven on first use, then runs it.
setlocal
set "HERE=%~dp0"
if not exist "%HERE%target\vigil.jar" (
  echo Building Vigil (first run^)... 1>&2
  pushd "%HERE%" && call mvn -B -q -DskipTests package 1>&2 && popd
)
if not defined VIGIL_JAVA_OPTS set "VIGIL_JAVA_OPTS=-Xmx768m -XX:+UseParallelGC -XX:MaxInlineLevel=6 -XX:InlineSmallCode=1000 -XX:FreqInlineSize=100"
java %VIGIL_JAVA_OPTS% -jar "%HERE%target\vigil.jar" %*
