#!/usr/bin/env bash
# The dotnet new templates as a user gets them: packs NetGen and NetGen.Templates into a temporary folder, installs the
# template package from that file into a private template hive, creates a project from each template outside the
# repository, builds it (warnings as errors) against the packed NetGen restored from that folder alone, runs it and
# checks the accuracy it prints, then uninstalls the package.
#   netgen-csv:   trains on the bundled sample CSV (early stopping); must reach 90% test accuracy.
#   netgen-mnist: trains 1 epoch on 3000 images of the repository's data/mnist; must reach 80% test accuracy.
# Usage: bash tests/Package/templates.sh        (KEEP_TMP=1 keeps the temporary folder for inspection)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/netgen-templates.XXXXXX")"
if [[ "${KEEP_TMP:-0}" == "1" ]]; then
  trap 'echo "kept $tmp"' EXIT
else
  trap 'rm -rf "$tmp"' EXIT
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
started=$SECONDS

# --- 1. Pack both packages --------------------------------------------------------------------------------
version="$(dotnet msbuild "$root/src/NetGen/NetGen.csproj" -getProperty:Version)"
echo "== packing NetGen and NetGen.Templates $version into $tmp/feed"
dotnet pack "$root/src/NetGen/NetGen.csproj" -c Release -o "$tmp/feed" --nologo -v quiet
dotnet pack "$root/src/NetGen.Templates/NetGen.Templates.csproj" -c Release -o "$tmp/feed" --nologo -v quiet
templates="$tmp/feed/NetGen.Templates.$version.nupkg"
[[ -f "$tmp/feed/NetGen.$version.nupkg" ]] && pass "packed NetGen.$version.nupkg" || { fail "no NetGen package"; exit 1; }
[[ -f "$templates" ]] && pass "packed $(basename "$templates")" || { fail "no $templates"; exit 1; }

if python3 - "$templates" "$version" <<'PY'
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); version = sys.argv[2]
names = z.namelist(); ok = True
nuspec = z.read(next(n for n in names if n.endswith(".nuspec"))).decode("utf-8-sig")
if '<packageType name="Template" />' in nuspec: print("PASS: nuspec declares packageType Template")
else: print("FAIL: nuspec lacks packageType Template"); ok = False
if '<readme>README.md</readme>' in nuspec and "README.md" in names: print("PASS: the package carries its README")
else: print("FAIL: the package has no README"); ok = False
if any(n.startswith("lib/") for n in names): print("FAIL: template package has a lib/ folder"); ok = False
for t in ["netgen-csv", "netgen-mnist"]:
    config = json.loads(z.read(f"content/{t}/.template.config/template.json"))
    default = config["symbols"]["NetGenVersion"]["defaultValue"]
    if config["shortName"] == t and default == version: print(f"PASS: {t}: template.json defaults NetGenVersion to {version}")
    else: print(f"FAIL: {t}: shortName {config['shortName']}, NetGenVersion default {default!r}, expected {version}"); ok = False
    if any(n.startswith(f"content/{t}/") and ("/bin/" in n or "/obj/" in n) for n in names): print(f"FAIL: {t}: bin/ or obj/ packed"); ok = False
sys.exit(0 if ok else 1)
PY
then :; else failures=$((failures + 1)); fi

# --- 2. Install into a private hive -----------------------------------------------------------------------
# DOTNET_CLI_HOME and --debug:custom-hive keep the installation inside $tmp: the machine's templates are untouched.
export DOTNET_CLI_HOME="$tmp/home"
hive="$tmp/hive"
dotnet_new() { dotnet new "$@" --debug:custom-hive "$hive"; }
if dotnet_new install "$templates" > "$tmp/install.log" 2>&1 \
   && dotnet_new list netgen > "$tmp/list.log" 2>&1 && grep -q "netgen-csv" "$tmp/list.log" && grep -q "netgen-mnist" "$tmp/list.log"; then
  pass "dotnet new install $(basename "$templates") lists netgen-csv and netgen-mnist"
else
  cat "$tmp/install.log" "$tmp/list.log" 2>/dev/null; fail "template package did not install"; exit 1
fi

# NuGet sees only the folder just packed (NetGen has no dependencies), with a private cache so that NetGen comes
# from that folder and never from a stale cache; the projects live under $tmp, so this nuget.config applies to them.
export NUGET_PACKAGES="$tmp/packages"
cat > "$tmp/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="netgen-local" value="$tmp/feed" />
  </packageSources>
</configuration>
XML

# check_template SHORTNAME NAME MIN_ACCURACY ARGS...: instantiate, build, run, check the accuracy line.
check_template() {
  local short="$1" name="$2" min="$3"; shift 3
  local dir="$tmp/$name"
  echo "== dotnet new $short -n $name ($dir)"
  if ! dotnet_new "$short" --name "$name" --output "$dir" > "$tmp/$name-new.log" 2>&1; then
    cat "$tmp/$name-new.log"; fail "$short: dotnet new failed"; return
  fi
  if [[ -f "$dir/$name.csproj" ]] && grep -q "<PackageReference Include=\"NetGen\" Version=\"$version\" />" "$dir/$name.csproj" \
     && grep -rq "namespace $name;" "$dir"; then
    pass "$short: created $name.csproj referencing NetGen $version, namespace $name"
  else
    ls -la "$dir"; cat "$dir"/*.csproj 2>/dev/null; fail "$short: project not named $name or not referencing NetGen $version"
  fi
  if ! dotnet build "$dir" -c Release -p:TreatWarningsAsErrors=true --nologo -v quiet > "$tmp/$name-build.log" 2>&1; then
    cat "$tmp/$name-build.log"; fail "$short: project does not build"; return
  fi
  pass "$short: builds against NetGen $version with warnings as errors"
  if ! grep -q "$tmp/feed" "$NUGET_PACKAGES/netgen/$version/.nupkg.metadata" 2>/dev/null; then
    fail "$short: NetGen $version was not restored from $tmp/feed"
  fi
  local code=0
  (cd "$dir" && timeout 120 dotnet run -c Release --no-build -- "$@") > "$tmp/$name-run.log" 2>&1 || code=$?
  sed 's/^/  | /' "$tmp/$name-run.log" | grep -v '^  | *$' | tail -n 14
  local accuracy
  accuracy="$(sed -n 's/^test accuracy: \([0-9.]*\)%.*/\1/p' "$tmp/$name-run.log" | tail -n 1)"
  if [[ $code -ne 0 ]]; then
    fail "$short: exited with code $code"
  elif [[ -z "$accuracy" ]]; then
    fail "$short: printed no 'test accuracy: N%' line"
  elif python3 -c "import sys; sys.exit(0 if float('$accuracy') >= $min else 1)"; then
    pass "$short: runs, test accuracy $accuracy% >= $min%"
  else
    fail "$short: test accuracy $accuracy% < $min%"
  fi
  [[ -s "$dir/model.safetensors" ]] && pass "$short: saved model.safetensors" || fail "$short: no model.safetensors"
}

check_template netgen-csv CsvApp 90
check_template netgen-mnist DigitsApp 80 "$root/data/mnist" --epochs 1 --limit 3000

# The version parameter: another NetGen version on request (created only; that version does not exist).
if dotnet_new netgen-csv --name Pinned --output "$tmp/pinned" --netgen-version 9.8.7 > "$tmp/pinned.log" 2>&1 \
   && grep -q '<PackageReference Include="NetGen" Version="9.8.7" />' "$tmp/pinned/Pinned.csproj"; then
  pass "netgen-csv --netgen-version 9.8.7 references NetGen 9.8.7"
else
  cat "$tmp/pinned.log" "$tmp/pinned/Pinned.csproj" 2>/dev/null; fail "--netgen-version is not applied"
fi

# --- 3. Uninstall ---------------------------------------------------------------------------------------
if dotnet_new uninstall NetGen.Templates > "$tmp/uninstall.log" 2>&1 \
   && ! dotnet_new list netgen-csv > /dev/null 2>&1; then
  pass "dotnet new uninstall removes the templates"
else
  cat "$tmp/uninstall.log"; fail "uninstall failed or netgen-csv is still listed"
fi

echo "== $((SECONDS - started)) s"
if [[ $failures -eq 0 ]]; then
  echo "PASS: NetGen.Templates $version: both templates instantiate, build and run against the local package"
else
  echo "FAIL: $failures check(s) failed"
  exit 1
fi
