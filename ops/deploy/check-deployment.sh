#!/usr/bin/env bash
# Follows ops/deploy/GUIDE.md on this machine and checks the result over HTTPS: the guide stays
# true. CI runs it after the test suites (.ci/run). Run it as root on Debian 12 with
# PostgreSQL at 127.0.0.1:5432 (trust for user postgres) and Redis at 127.0.0.1:6379.
#
# What it does, as the guide says, but on other ports and under a temporary folder (nothing
# of a real installation is touched; any system nginx is left alone):
#   Debian's nginx (installed if missing), the system user `maillage`, a new PostgreSQL role
#   and database `maillage_deploy`, the code and a new virtual environment from
#   requirements/base.lock, the environment file from maillage.env.example, the guide's setup
#   commands (migrate, createcachetable, load_territory, collectstatic) through
#   ops/deploy/maillage-admin, a self-signed certificate, nginx with the repository's
#   ops/deploy/nginx/*.conf (http 8080, https 8443, and 8444: the same site through the first
#   app server only, for measurements), then, systemd being absent, the ExecStart commands of
#   ops/deploy/systemd/*.service themselves (with their Environment=, EnvironmentFile=, User=,
#   WorkingDirectory=, UMask=; %i the instance): two app servers (8101, 8102), two task
#   workers, one scheduler. Then the checks, one line each; a non-zero exit on any failure.
#   Everything it started is stopped, and the database and role dropped, at the end.
#
# Environment:
#   MAILLAGE_DEPLOY_VENV=/path/venv  reuse this virtual environment (made from Debian's
#                                    /usr/bin/python3.11, readable by `maillage`) instead of
#                                    building one from base.lock: for quick local tries
#                                    (the code is still installed into it afresh).
#   MAILLAGE_DEPLOY_EXTRA="command"  run while the platform is up (hook for benchmarks; see
#                                    run_extra below); its failure fails the script.
#   MAILLAGE_DEPLOY_KEEP=1           keep the temporary folder (logs) at the end.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEPLOY="$REPO/ops/deploy"
HTTP_PORT=8080
HTTPS_PORT=8443
ONE_PORT=8444
WEB_INSTANCES=(8101 8102)
WORKER_INSTANCES=(1 2)
DB_NAME=maillage_deploy
DB_ROLE=maillage_deploy
RESTORE_DB=maillage_deploy_restore
PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_URL_DEPLOY=redis://127.0.0.1:6379/14
PYTHON=/usr/bin/python3.11

START_SECONDS=$(date +%s)
export PGOPTIONS="-c client_min_messages=warning"
ROOT="$(mktemp -d /tmp/maillage-deploy.XXXXXX)"
chmod 755 "$ROOT"
# The guide's paths, here under $ROOT.
APP="$ROOT/opt/maillage"
CODE="$APP/code"
VENV="${MAILLAGE_DEPLOY_VENV:-$APP/venv}"
ETC="$ROOT/etc/maillage"
ENV_FILE="$ETC/maillage.env"
DATA="$ROOT/var/lib/maillage"
SSL_DIR="$ROOT/etc/ssl/maillage"
NGINX_DIR="$ROOT/etc/nginx"
LOGS="$ROOT/log"
CERT="$SSL_DIR/fullchain.pem"
BASE="https://localhost:$HTTPS_PORT"
WORK="$ROOT/work"

PIDS=()
NAMES=()
FAILURES=0
DB_CREATED=false
RESTORE_CREATED=false
NGINX_STARTED=false

step() { printf '\n== %s\n' "$*"; }
ok() { printf 'OK     %s\n' "$*"; }
fail() {
  printf 'ÉCHEC  %s\n' "$*"
  FAILURES=$((FAILURES + 1))
}
die() {
  printf 'ÉCHEC  %s\n' "$*" >&2
  FAILURES=$((FAILURES + 1))
  exit 1
}
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cleanup() {
  local rc=$?
  set +e
  step "Arrêt de tout ce que le script a lancé"
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 60); do
    local alive=false
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=true; done
    $alive || break
    sleep 0.5
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  if $NGINX_STARTED && [ -f "$ROOT/run/nginx.pid" ]; then
    pid="$(cat "$ROOT/run/nginx.pid")"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  if [ "$rc" -ne 0 ] || [ "$FAILURES" -ne 0 ]; then
    for log in "$LOGS"/*.log "$LOGS"/nginx/*.log; do
      [ -s "$log" ] || continue
      printf -- '--- dernières lignes de %s\n' "${log#"$ROOT"/}"
      tail -n 15 "$log"
    done
  fi
  if $RESTORE_CREATED; then
    dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists --force "$RESTORE_DB"
  fi
  if $DB_CREATED; then
    dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists --force "$DB_NAME"
    dropuser -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists "$DB_ROLE"
  fi
  redis-cli -u "$REDIS_URL_DEPLOY" flushdb >/dev/null 2>&1
  if [ "${MAILLAGE_DEPLOY_KEEP:-}" = 1 ]; then
    echo "Dossier gardé : $ROOT"
  else
    rm -rf "$ROOT"
  fi
  local seconds=$(($(date +%s) - START_SECONDS))
  if [ "$rc" -eq 0 ] && [ "$FAILURES" -eq 0 ]; then
    echo "Déploiement vérifié : tout est conforme au guide (${seconds} s)."
  else
    echo "Déploiement : ${FAILURES} vérification(s) en échec (${seconds} s)." >&2
    [ "$rc" -eq 0 ] && rc=1
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || die "à lancer en root (création de l'utilisateur maillage, nginx)"
for port in "$HTTP_PORT" "$HTTPS_PORT" "$ONE_PORT" "${WEB_INSTANCES[@]}"; do
  if port_in_use "$port"; then die "le port $port est déjà pris (un essai précédent tourne-t-il encore ?)"; fi
done
mkdir -p "$LOGS/nginx" "$ROOT/run" "$WORK" "$ETC" "$SSL_DIR" "$NGINX_DIR" "$APP"

# --- § 2 of the guide: Debian packages --------------------------------------------------
step "Paquets Debian"
if ! command -v nginx >/dev/null; then
  echo "Installation de nginx (nginx-light)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
[ -x "$PYTHON" ] || die "$PYTHON absent (apt-get install python3.11-venv)"
for tool in nginx openssl curl psql createdb redis-cli runuser; do
  command -v "$tool" >/dev/null || die "commande absente : $tool"
done
ok "nginx $(nginx -v 2>&1 | sed 's/.*\///'), $("$PYTHON" --version), $(psql --version | awk '{print "psql " $3}')"

# --- § 3: the system user -----------------------------------------------------------------
if ! id maillage >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/maillage --no-create-home \
    --shell /usr/sbin/nologin maillage
fi
id www-data >/dev/null 2>&1 || die "l'utilisateur www-data (celui de nginx) est absent"
ok "utilisateur système maillage ($(id maillage))"

# --- § 4: the code and its virtual environment --------------------------------------------
step "Code et environnement virtuel"
mkdir -p "$CODE"
if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
  # What a clone gives, with this checkout's changes: tracked and new, not ignored, files.
  git -C "$REPO" ls-files -z --cached --others --exclude-standard |
    (cd "$REPO" && xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _) |
    tar -C "$REPO" --null -T - -cf - | tar -C "$CODE" -xf -
else
  tar -C "$REPO" --exclude=./.venv --exclude=./var --exclude=./.git -cf - . | tar -C "$CODE" -xf -
fi
PIP_LOG="$LOGS/pip.log"
pip_quiet() {
  if ! "$VENV/bin/pip" --disable-pip-version-check "$@" >>"$PIP_LOG" 2>&1; then
    grep -v 'is ignored: it is neither' "$PIP_LOG" | tail -n 20
    die "pip $*"
  fi
}
if [ -n "${MAILLAGE_DEPLOY_VENV:-}" ]; then
  [ -x "$VENV/bin/pip" ] || die "MAILLAGE_DEPLOY_VENV=$VENV n'est pas un environnement virtuel"
  (cd "$CODE" && pip_quiet install -q --no-deps --no-build-isolation --force-reinstall .)
  ok "environnement virtuel réutilisé ($VENV), code installé"
else
  mark=$(date +%s)
  "$PYTHON" -m venv "$VENV"
  (cd "$CODE" && pip_quiet install -q --require-hashes -r requirements/base.lock)
  (cd "$CODE" && pip_quiet install -q --no-deps --no-build-isolation .)
  ok "environnement virtuel $VENV (base.lock, puis le code) en $(($(date +%s) - mark)) s"
fi
install -m 0755 "$DEPLOY/maillage-admin" "$APP/maillage-admin"
export MAILLAGE_ENV_FILE="$ENV_FILE" MAILLAGE_VENV="$VENV"
admin() { "$APP/maillage-admin" "$@"; }

# --- § 5: PostgreSQL ----------------------------------------------------------------------
step "PostgreSQL et Redis"
DB_CREATED=true
dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists --force "$DB_NAME"
dropuser -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists "$DB_ROLE"
DB_PASSWORD="$("$PYTHON" -c 'import secrets; print(secrets.token_hex(16))')"
psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE $DB_ROLE LOGIN PASSWORD '$DB_PASSWORD'"
createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres -O "$DB_ROLE" -E UTF8 "$DB_NAME"
ok "base $DB_NAME, propriété du rôle $DB_ROLE"
redis-cli -u "$REDIS_URL_DEPLOY" flushdb >/dev/null
ok "Redis : base 14 vidée"

# --- § 6: the data folder and the environment file ---------------------------------------
step "Dossier des données et fichier d'environnement"
install -d -o maillage -g www-data -m 2750 "$DATA"
set_env() { # NAME VALUE: replaces the line NAME=… of the environment file, or adds it.
  local name="$1" value="$2"
  if grep -q "^$name=" "$ENV_FILE"; then
    NAME="$name" VALUE="$value" "$PYTHON" - "$ENV_FILE" <<'PY'
import os, sys
path, name, value = sys.argv[1], os.environ["NAME"], os.environ["VALUE"]
lines = open(path).read().splitlines()
lines = [f"{name}={value}" if line.startswith(name + "=") else line for line in lines]
open(path, "w").write("\n".join(lines) + "\n")
PY
  else
    printf '%s=%s\n' "$name" "$value" >>"$ENV_FILE"
  fi
}
cp "$DEPLOY/maillage.env.example" "$ENV_FILE"
set_env SECRET_KEY "$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
set_env DATABASE_URL "postgres://$DB_ROLE:$DB_PASSWORD@$PG_HOST:$PG_PORT/$DB_NAME"
set_env ALLOWED_HOSTS "localhost,127.0.0.1"
set_env MAILLAGE_SITE_URL "$BASE"
set_env MAILLAGE_DATA_DIR "$DATA"
set_env REDIS_URL "$REDIS_URL_DEPLOY"
METRICS_TOKEN="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))')"
set_env MAILLAGE_METRICS_TOKEN "$METRICS_TOKEN"
# No SMTP server here: emails are written to the worker's log.
set_env EMAIL_BACKEND django.core.mail.backends.console.EmailBackend
set_env EMAIL_HOST 127.0.0.1
set_env EMAIL_HOST_PASSWORD unused
# Two app servers with three workers each would be many for a 2-core CI machine.
set_env WEB_CONCURRENCY 2
chown root:maillage "$ENV_FILE"
chmod 0640 "$ENV_FILE"
for name in SECRET_KEY DATABASE_URL ALLOWED_HOSTS MAILLAGE_SITE_URL MAILLAGE_HTTPS \
  MAILLAGE_BEHIND_PROXY MAILLAGE_TRUSTED_PROXIES MAILLAGE_DATA_DIR REDIS_URL MAILLAGE_METRICS_TOKEN; do
  grep -q "^$name=." "$ENV_FILE" || fail "le fichier d'environnement n'a pas $name"
done
ok "$ENV_FILE (root:maillage 0640), depuis maillage.env.example"

# --- § 7: the setup commands --------------------------------------------------------------
step "Commandes d'installation (maillage-admin)"
for command in "migrate --noinput" "createcachetable" "load_territory" "collectstatic --noinput"; do
  mark=$(date +%s)
  # shellcheck disable=SC2086 # the command's words
  if ! admin $command >"$LOGS/setup.log" 2>&1; then
    tail -n 30 "$LOGS/setup.log"
    die "maillage $command"
  fi
  ok "maillage $command ($(($(date +%s) - mark)) s)"
done

# --- § 8: the certificate -----------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$SSL_DIR/privkey.pem" -out "$CERT" >/dev/null 2>&1
chmod 0600 "$SSL_DIR/privkey.pem"
ok "certificat autosigné (localhost, 127.0.0.1)"

# --- § 9: nginx, from the repository's files ----------------------------------------------
step "nginx"
mkdir -p "$NGINX_DIR/sites-enabled" "$ROOT/nginx-temp" "$ROOT/www"
chown www-data "$ROOT/nginx-temp"
"$PYTHON" - "$DEPLOY/nginx" "$NGINX_DIR" <<PY
import re, sys
src, dst = sys.argv[1], sys.argv[2]

def sub(text, old, new, count=None):
    found = text.count(old)
    if not found or (count is not None and found != count):
        sys.exit(f"nginx/maillage.conf: «{old}» expected {count or 'at least once'}, found {found}")
    return text.replace(old, new)

def server_block(text, marker):
    """The server { … } block holding marker."""
    at = text.index(marker)
    start = text.rindex("server {", 0, at)
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if text[i] == "}" and depth == 0:
            return text[start : i + 1]
    sys.exit("nginx/maillage.conf: unbalanced braces")

site = open(f"{src}/maillage.conf").read()
proxy = open(f"{src}/maillage-proxy.conf").read()
# IPv6 may be absent here; the ports and names of this test; the paths under $ROOT.
site = re.sub(r"\n\s*listen \[::\]:[^\n]*", "", site)
site = sub(site, "listen 80;", "listen $HTTP_PORT;", 1)
site = sub(site, "listen 443 ssl http2;", "listen $HTTPS_PORT ssl http2;", 1)
site = sub(site, "return 301 https://\$server_name\$request_uri;", "return 301 https://\$server_name:$HTTPS_PORT\$request_uri;", 1)
site = sub(site, "server_name tiers-lieux.exemple.fr;", "server_name localhost 127.0.0.1;")
site = sub(site, "/var/lib/maillage/", "$DATA/")
site = sub(site, "/etc/ssl/maillage/", "$SSL_DIR/")
site = sub(site, "/var/log/nginx/", "$LOGS/nginx/")
site = sub(site, "/var/www/html", "$ROOT/www")
site = sub(site, "/etc/nginx/maillage-proxy.conf", "$NGINX_DIR/maillage-proxy.conf")
# Django compares Origin with Host: on a port other than 443, Host must carry it.
proxy = sub(proxy, "proxy_set_header Host \$host;", "proxy_set_header Host \$host:\$server_port;", 1)

# The measurement listener: the same site through the first app server only.
first = re.search(r"upstream maillage \{\s*server ([^;]+);", site).group(1)
one = server_block(site, "listen $HTTPS_PORT ssl")
one = sub(one, "listen $HTTPS_PORT ssl", "listen $ONE_PORT ssl", 1)
one = sub(one, "$NGINX_DIR/maillage-proxy.conf", "$NGINX_DIR/maillage-proxy-one.conf")
one = sub(one, "maillage.access.log", "maillage-one.access.log", 1)
one = sub(one, "maillage.error.log", "maillage-one.error.log", 1)
site += f"\n# check-deployment.sh: the first app server alone, for measurements.\n"
site += f"upstream maillage_one {{\n    server {first};\n}}\n\n{one}\n"
open(f"{dst}/sites-enabled/maillage.conf", "w").write(site)
open(f"{dst}/maillage-proxy.conf", "w").write(proxy)
open(f"{dst}/maillage-proxy-one.conf", "w").write(
    sub(proxy, "proxy_pass http://maillage;", "proxy_pass http://maillage_one;", 1)
)
PY
cat >"$NGINX_DIR/nginx.conf" <<EOF
# check-deployment.sh's own nginx: its own pid, logs and temporary files.
user www-data;
worker_processes auto;
pid $ROOT/run/nginx.pid;
error_log $LOGS/nginx/error.log;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log $LOGS/nginx/access.log;
    client_body_temp_path $ROOT/nginx-temp/body;
    proxy_temp_path $ROOT/nginx-temp/proxy;
    fastcgi_temp_path $ROOT/nginx-temp/fastcgi;
    uwsgi_temp_path $ROOT/nginx-temp/uwsgi;
    scgi_temp_path $ROOT/nginx-temp/scgi;
    include $NGINX_DIR/sites-enabled/*.conf;
}
EOF
nginx_cmd() { nginx -p "$ROOT" -e "$LOGS/nginx/error.log" -c "$NGINX_DIR/nginx.conf" "$@"; }
if ! nginx_cmd -t >"$LOGS/nginx-test.log" 2>&1; then
  cat "$LOGS/nginx-test.log"
  die "nginx -t refuse la configuration"
fi
nginx_cmd
NGINX_STARTED=true
ok "nginx : http $HTTP_PORT, https $HTTPS_PORT, mesure $ONE_PORT (premier serveur seul)"

# --- § 10: the services, from the unit files ------------------------------------------------
step "Services (les ExecStart des unités systemd)"
cat >"$ROOT/run-unit.py" <<'PY'
"""Runs a systemd unit's ExecStart as systemd would (where systemd is absent): the [Service]
section's Environment=, then EnvironmentFile= (which wins), User=, Group=, UMask=,
WorkingDirectory=; %i/%I the instance, %H the host name. Arguments: the unit file, the
instance, then FROM=TO path prefixes (the guide's paths → this test's)."""
import grp, os, pwd, shlex, socket, sys

unit, instance, *maps = sys.argv[1:]
maps = sorted((m.split("=", 1) for m in maps), key=lambda m: -len(m[0]))


def remap(value):
    for old, new in maps:
        if value == old or value.startswith(old + "/"):
            return new + value[len(old) :]
    return value


def specifiers(value):
    known = {"i": instance, "I": instance, "H": socket.gethostname(), "%": "%"}
    out, i = [], 0
    while i < len(value):
        if value[i] == "%":
            out.append(known[value[i + 1]])  # an unknown specifier fails loudly
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def unquote(value):
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


service, section, pending = {}, None, ""
for raw in open(unit).read().splitlines():
    line = pending + raw.strip()
    if line.endswith("\\"):
        pending = line[:-1] + " "
        continue
    pending = ""
    if not line or line[0] in "#;":
        continue
    if line.startswith("["):
        section = line
        continue
    if section == "[Service]":
        key, _, value = line.partition("=")
        service.setdefault(key.strip(), []).append(value.strip())

user = pwd.getpwnam(service["User"][-1])
group = grp.getgrnam(service.get("Group", [user.pw_name])[-1])
env = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
    "HOME": user.pw_dir,
    "USER": user.pw_name,
    "LOGNAME": user.pw_name,
    "SHELL": user.pw_shell,
}
for value in service.get("Environment", []):
    for item in shlex.split(specifiers(value)):
        key, _, val = item.partition("=")
        env[key] = val
for value in service.get("EnvironmentFile", []):
    optional = value.startswith("-")
    path = remap(specifiers(value.lstrip("-")))
    if optional and not os.path.exists(path):
        continue
    for line in open(path).read().splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        key, _, val = line.partition("=")
        env[key.strip()] = unquote(val.strip())
(exec_start,) = service["ExecStart"]
argv = [remap(word) for word in shlex.split(specifiers(exec_start.lstrip("-@:+!")))]
workdir = remap(specifiers(service.get("WorkingDirectory", ["/"])[-1]))
os.umask(int(service.get("UMask", ["0022"])[-1], 8))
print("run-unit:", os.path.basename(unit), "→", shlex.join(argv), file=sys.stderr, flush=True)
os.setgroups(os.getgrouplist(user.pw_name, group.gr_gid))
os.setgid(group.gr_gid)
os.setuid(user.pw_uid)
os.chdir(workdir)
os.execve(argv[0], argv, env)
PY
start_unit() { # unit file name, instance ("" for none), log name
  local unit="$DEPLOY/systemd/$1" instance="$2" name="$3"
  "$PYTHON" "$ROOT/run-unit.py" "$unit" "$instance" \
    "/opt/maillage/venv=$VENV" "/opt/maillage=$APP" "/etc/maillage=$ETC" \
    "/var/lib/maillage=$DATA" >"$LOGS/$name.log" 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
}
for port in "${WEB_INSTANCES[@]}"; do start_unit maillage-web@.service "$port" "web-$port"; done
for n in "${WORKER_INSTANCES[@]}"; do start_unit maillage-worker@.service "$n" "worker-$n"; done
start_unit maillage-scheduler.service "" scheduler
for port in "${WEB_INSTANCES[@]}"; do
  up=false
  for _ in $(seq 120); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)" = 200 ]; then
      up=true
      break
    fi
    sleep 0.5
  done
  $up || die "le serveur d'application 127.0.0.1:$port ne répond pas (journal : web-$port.log)"
done
all_alive() {
  local i
  for i in "${!PIDS[@]}"; do
    kill -0 "${PIDS[$i]}" 2>/dev/null || {
      echo "${NAMES[$i]}"
      return 1
    }
  done
}
sleep 2
if gone="$(all_alive)"; then
  ok "lancés : web@${WEB_INSTANCES[*]}, worker@${WORKER_INSTANCES[*]}, scheduler (utilisateur maillage)"
else
  die "le service $gone s'est arrêté (journal : $gone.log)"
fi

# --- The checks, over HTTPS through nginx ---------------------------------------------------
step "Vérifications par HTTPS"
CURL=(curl -sS --cacert "$CERT" --max-time 30)
get() { # url, then curl options: prints the status; headers in $WORK/h, body in $WORK/b
  local url="$1"
  shift
  "${CURL[@]}" -D "$WORK/h" -o "$WORK/b" -w '%{http_code}' "$@" "$url" || true
}
header() { grep -i "^$1:" "$WORK/h" | head -n 1 | sed 's/^[^:]*: *//' | tr -d '\r'; }

status="$(get "$BASE/healthz")"
if [ "$status" = 200 ] && grep -q '"ok"' "$WORK/b"; then
  ok "/healthz : 200 par le mandataire"
else
  fail "/healthz : $status ($(head -c 200 "$WORK/b"))"
fi

status="$(get "$BASE/")"
[ "$status" = 200 ] && ok "page d'accueil : 200" || fail "page d'accueil : $status"
cp "$WORK/b" "$WORK/home.html"
hsts="$(header Strict-Transport-Security)"
[[ "$hsts" == *max-age=31536000*includeSubDomains*preload* ]] &&
  ok "Strict-Transport-Security: $hsts" || fail "Strict-Transport-Security absent ou faible : «$hsts»"
csp="$(header Content-Security-Policy)"
[[ "$csp" == *"default-src 'self'"* && "$csp" == *"frame-ancestors 'none'"* &&
  "$csp" == *"object-src 'none'"* && "$csp" == *"script-src 'self'"* ]] &&
  ok "Content-Security-Policy présente (default-src, script-src 'self' ; object-src, frame-ancestors 'none')" ||
  fail "Content-Security-Policy : «$csp»"
[ "$(header X-Content-Type-Options)" = nosniff ] &&
  ok "X-Content-Type-Options: nosniff" || fail "X-Content-Type-Options : «$(header X-Content-Type-Options)»"
[ "$(header Referrer-Policy)" = same-origin ] &&
  ok "Referrer-Policy: same-origin" || fail "Referrer-Policy : «$(header Referrer-Policy)»"
[ "$(header X-Frame-Options)" = DENY ] &&
  ok "X-Frame-Options: DENY" || fail "X-Frame-Options : «$(header X-Frame-Options)»"

# Cookies: the login page's CSRF cookie, then the session cookie of a login.
LOGIN_EMAIL=verification-deploiement@example.org
LOGIN_PASSWORD="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(18))')"
admin shell -c "from maillage.accounts.models import User; User.objects.create_user('$LOGIN_EMAIL', '$LOGIN_PASSWORD', email_verified=True)" \
  >"$LOGS/create-user.log" 2>&1 || fail "création du compte de test (create-user.log)"
status="$(get "$BASE/connexion/" -c "$WORK/jar")"
csrf_cookie="$(grep -i '^set-cookie: csrftoken=' "$WORK/h" | tr -d '\r' || true)"
if [ "$status" = 200 ] && [[ "$csrf_cookie" == *"; Secure"* ]] && [[ "$csrf_cookie" == *"; HttpOnly"* ]]; then
  ok "cookie csrftoken : Secure, HttpOnly"
else
  fail "cookie csrftoken ($status) : «$csrf_cookie»"
fi
token="$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$WORK/b" | head -n 1 | sed 's/.*value="//; s/"$//')"
status="$(get "$BASE/connexion/" -b "$WORK/jar" -c "$WORK/jar" -H "Origin: $BASE" -H "Referer: $BASE/connexion/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$LOGIN_EMAIL" \
  --data-urlencode "password=$LOGIN_PASSWORD")"
session_cookie="$(grep -i '^set-cookie: sessionid=' "$WORK/h" | tr -d '\r' || true)"
if [ "$status" = 302 ] && [[ "$session_cookie" == *"; Secure"* ]] && [[ "$session_cookie" == *"; HttpOnly"* ]] &&
  [[ "$session_cookie" == *"SameSite=Lax"* ]]; then
  ok "connexion : 302, cookie de session Secure, HttpOnly, SameSite=Lax"
else
  fail "connexion : $status, cookie de session «$session_cookie»"
fi
status="$(get "$BASE/compte/" -b "$WORK/jar")"
[ "$status" = 200 ] && ok "session partagée : /compte/ connecté ($status)" || fail "/compte/ après connexion : $status"

status="$("${CURL[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://localhost:$HTTP_PORT/lieux/?page=2" || true)"
[ "$status" = "301 https://localhost:$HTTPS_PORT/lieux/?page=2" ] &&
  ok "http://localhost:$HTTP_PORT/ → https (301)" || fail "redirection http → https : «$status»"

# A static file: nginx serves it from STATIC_ROOT (no X-Request-ID: Django never saw it).
static_path="$(grep -o '/static/[^"]*\.css' "$WORK/home.html" | head -n 1 || true)"
if [ -z "$static_path" ]; then
  fail "aucun fichier statique (.css) dans la page d'accueil"
else
  status="$(get "$BASE$static_path")"
  if [ "$status" = 200 ] && cmp -s "$WORK/b" "$DATA/static/${static_path#/static/}" &&
    [ -z "$(header X-Request-ID)" ] && [[ "$(header Cache-Control)" == *public*max-age=* ]]; then
    ok "fichier statique servi par nginx : $static_path (Cache-Control: $(header Cache-Control))"
  else
    fail "fichier statique $static_path : $status, Cache-Control «$(header Cache-Control)», X-Request-ID «$(header X-Request-ID)»"
  fi
fi

# An uploaded file (as the platform stores one: by the maillage user, under MEDIA_ROOT).
runuser -u maillage -- sh -c "umask 0027 && mkdir -p '$DATA/media/verification' && \
  printf 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' |
  base64 -d > '$DATA/media/verification/point.png'"
status="$(get "$BASE/media/verification/point.png")"
if [ "$status" = 200 ] && cmp -s "$WORK/b" "$DATA/media/verification/point.png" &&
  [ "$(header Content-Type)" = image/png ] && [ "$(header X-Content-Type-Options)" = nosniff ] &&
  [ -z "$(header X-Request-ID)" ]; then
  ok "fichier téléversé servi par nginx : /media/verification/point.png (image/png, nosniff)"
else
  fail "fichier téléversé : $status, Content-Type «$(header Content-Type)»"
fi
direct="$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
  "http://127.0.0.1:${WEB_INSTANCES[0]}/media/verification/point.png" || true)"
[ "$direct" = 404 ] && ok "le serveur d'application ne sert pas /media/ (404)" ||
  fail "le serveur d'application sert /media/ ($direct)"

# X-Request-ID: a client's is replaced by nginx's, which the app server logs and returns.
client_id=0123456789abcdef0123456789abcdef
status="$(get "$BASE/healthz" -H "X-Request-ID: $client_id")"
request_id="$(header X-Request-ID)"
sleep 0.5
if [ "$status" = 200 ] && [[ "$request_id" =~ ^[0-9a-f]{32}$ ]] && [ "$request_id" != "$client_id" ] &&
  grep -q "\"request_id\":\"$request_id\"" "$LOGS/nginx/maillage.access.log" &&
  cat "$LOGS"/web-*.log | grep -q "$request_id"; then
  ok "X-Request-ID : celui du client remplacé par celui de nginx ($request_id), dans les deux journaux"
else
  fail "X-Request-ID : reçu «$request_id» (envoyé $client_id)"
fi
if cat "$LOGS"/web-*.log | grep -q "$client_id"; then
  fail "l'identifiant envoyé par le client apparaît dans un journal d'application"
fi

# Both app servers answered, each in its own access log (JSON lines).
for _ in $(seq 12); do "${CURL[@]}" -o /dev/null "$BASE/healthz" || true; done
sleep 0.5
for port in "${WEB_INSTANCES[@]}"; do
  lines="$(grep -c 'GET /healthz' "$LOGS/web-$port.log" || true)"
  json="$(grep 'GET /healthz' "$LOGS/web-$port.log" | tail -n 1 | "$PYTHON" -c 'import json,sys; json.loads(sys.stdin.read()); print("json")' 2>/dev/null || true)"
  upstream="$(grep -c "\"upstream\":\"127.0.0.1:$port\"" "$LOGS/nginx/maillage.access.log" || true)"
  if [ "${lines:-0}" -gt 0 ] && [ "$json" = json ] && [ "${upstream:-0}" -gt 0 ]; then
    ok "serveur d'application $port : $lines requêtes dans son journal d'accès (JSON), $upstream vues par nginx"
  else
    fail "serveur d'application $port : ${lines:-0} requêtes, journal JSON «$json», ${upstream:-0} dans nginx"
  fi
done

# The measurement listener goes to the first app server only.
for _ in $(seq 4); do "${CURL[@]}" -o /dev/null "https://localhost:$ONE_PORT/healthz" || true; done
sleep 0.5
seen="$(grep -o '"upstream":"[^"]*"' "$LOGS/nginx/maillage-one.access.log" | sort -u | tr '\n' ' ')"
[ "$seen" = "\"upstream\":\"127.0.0.1:${WEB_INSTANCES[0]}\" " ] &&
  ok "écoute de mesure $ONE_PORT : le premier serveur seul" || fail "écoute de mesure $ONE_PORT : $seen"

status="$(get "$BASE/readyz")"
[ "$status" = 200 ] && ok "/readyz : 200" || fail "/readyz : $status"
status="$(get "$BASE/readyz" -H "Authorization: Bearer $METRICS_TOKEN")"
[ "$status" = 200 ] && grep -q oldest_waiting_seconds "$WORK/b" &&
  ok "/readyz avec le jeton : file des tâches et courriels" || fail "/readyz avec le jeton : $status $(head -c 200 "$WORK/b")"
status="$(get "$BASE/metrics" -H "Authorization: Bearer $METRICS_TOKEN")"
[ "$status" = 200 ] && grep -q '^maillage_database_up 1' "$WORK/b" &&
  ok "/metrics avec le jeton : 200, maillage_database_up 1" || fail "/metrics avec le jeton : $status"
status="$(get "$BASE/metrics")"
[ "$status" = 404 ] && ok "/metrics sans jeton : 404" || fail "/metrics sans jeton : $status"

if admin check --deploy --fail-level WARNING >"$LOGS/check-deploy.log" 2>&1 &&
  grep -q "System check identified no issues" "$LOGS/check-deploy.log"; then
  ok "maillage check --deploy : aucun problème"
else
  cat "$LOGS/check-deploy.log"
  fail "maillage check --deploy signale des problèmes"
fi

# The scheduler's first slots, run by the workers: each task by one worker only, none failed.
ran=false
for _ in $(seq 60); do
  if cat "$LOGS"/worker-*.log | grep -q 'state=SUCCESSFUL'; then
    ran=true
    break
  fi
  sleep 0.5
done
sleep 2
per_worker=""
for n in "${WORKER_INSTANCES[@]}"; do
  per_worker+="worker@$n : $(grep -c 'state=SUCCESSFUL' "$LOGS/worker-$n.log" || true), "
done
twice="$(cat "$LOGS"/worker-*.log | grep -o 'Task id=[^ ]* path=[^ ]* state=RUNNING' | sort | uniq -d | head -n 3 || true)"
failed="$(cat "$LOGS"/worker-*.log | grep -o 'path=[^ ]* state=FAILED' | head -n 3 || true)"
if $ran && [ -z "$twice" ] && [ -z "$failed" ]; then
  ok "tâches périodiques mises en file par le planificateur et exécutées (${per_worker%, }), chacune une fois"
else
  fail "tâches : exécutées «$per_worker», prises deux fois «$twice», en échec «$failed»"
fi

# =============================================================================================
# HOOK for other commands against the live deployment (benchmarks): MAILLAGE_DEPLOY_EXTRA is
# run here by bash, as root, with the environment file's variables exported (DATABASE_URL,
# REDIS_URL, …) and MAILLAGE_DEPLOY_URL (https, both app servers), MAILLAGE_DEPLOY_URL_ONE
# (https, the first app server only), MAILLAGE_DEPLOY_CA (the certificate to trust),
# MAILLAGE_DEPLOY_BIN (the virtual environment's bin/), MAILLAGE_DEPLOY_ENV_FILE,
# MAILLAGE_DEPLOY_LOGS. A non-zero exit fails the script.
# =============================================================================================
run_extra() {
  [ -n "${MAILLAGE_DEPLOY_EXTRA:-}" ] || return 0
  step "Commande supplémentaire (MAILLAGE_DEPLOY_EXTRA)"
  if (
    set -a
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    set +a
    export MAILLAGE_DEPLOY_URL="$BASE" MAILLAGE_DEPLOY_URL_ONE="https://localhost:$ONE_PORT" \
      MAILLAGE_DEPLOY_CA="$CERT" MAILLAGE_DEPLOY_BIN="$VENV/bin" MAILLAGE_DEPLOY_ENV_FILE="$ENV_FILE" \
      MAILLAGE_DEPLOY_LOGS="$LOGS"
    bash -c "$MAILLAGE_DEPLOY_EXTRA"
  ); then
    ok "MAILLAGE_DEPLOY_EXTRA"
  else
    fail "MAILLAGE_DEPLOY_EXTRA : sortie non nulle"
  fi
}
# Several app servers behind the proxy (issue 19): the booking, budget and waiting-list races
# through nginx, sessions and rate limits shared, each email sent once by the two workers, and
# bookings per second through one app server (8444) and through both (8443).
step "Plusieurs serveurs d'application : courses et débit (maillage bench deployed)"
apps=()
for port in "${WEB_INSTANCES[@]}"; do apps+=(--app "http://127.0.0.1:$port"); done
if admin bench deployed --proxy "$BASE" --proxy-one "https://localhost:$ONE_PORT" "${apps[@]}" \
  --cacert "$CERT" --seconds "${MAILLAGE_DEPLOY_BENCH_SECONDS:-20}" --json \
  >"$LOGS/bench-deployed.json" 2>"$LOGS/bench-deployed.log"; then
  ok "courses et débit : $(cat "$LOGS/bench-deployed.json")"
else
  fail "courses et débit : $(cat "$LOGS/bench-deployed.json") $(tail -n 20 "$LOGS/bench-deployed.log")"
fi

# § 13: a backup of the live platform, restored as the guide says into a new empty database
# owned by the platform's role and new upload folders (with the venv's own Python: Debian's).
step "Sauvegarde et restauration (§ 13)"
BACKUPS="$ROOT/sauvegardes"
RESTORED_DATA="$ROOT/restauration"
install -d -o maillage -g maillage -m 0750 "$BACKUPS" "$RESTORED_DATA"
RESTORE_CREATED=true
createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres -O "$DB_ROLE" -E UTF8 "$RESTORE_DB"
RESTORE_ENV="$ETC/restauration.env"
install -o root -g maillage -m 0640 "$ENV_FILE" "$RESTORE_ENV"
ENV_FILE="$RESTORE_ENV" set_env DATABASE_URL "postgres://$DB_ROLE:$DB_PASSWORD@$PG_HOST:$PG_PORT/$RESTORE_DB"
ENV_FILE="$RESTORE_ENV" set_env MAILLAGE_DATA_DIR "$RESTORED_DATA"
if admin backup "$BACKUPS" >"$LOGS/backup.log" 2>&1; then
  ok "maillage backup : $(find "$BACKUPS" -mindepth 2 -maxdepth 2 -printf '%f ' | sort)"
else
  fail "maillage backup : $(tail -n 5 "$LOGS/backup.log")"
fi
if MAILLAGE_ENV_FILE="$RESTORE_ENV" admin restore "$BACKUPS"/maillage-* >"$LOGS/restore.log" 2>&1 \
  && grep -q "conformes au manifeste" "$LOGS/restore.log" \
  && cmp -s "$DATA/media/verification/point.png" "$RESTORED_DATA/media/verification/point.png"; then
  ok "maillage restore : $(grep 'conformes au manifeste' "$LOGS/restore.log"), fichiers déposés revenus"
else
  fail "maillage restore : $(tail -n 5 "$LOGS/restore.log")"
fi

run_extra

if gone="$(all_alive)"; then
  ok "les cinq services tournent toujours"
else
  fail "le service $gone s'est arrêté (journal : $gone.log)"
fi
