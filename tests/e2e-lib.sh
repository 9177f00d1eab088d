# Shared by the end-to-end tests: they drive the real binary.
set -u
: "${OFFICIANT:=$(pwd)/officiant}"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
export LC_ALL=C

T=$(mktemp -d /tmp/officiant-e2e.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect CODE DESCRIPTION -- COMMAND...: run, check the exit code, keep
# stdout in $T/out and stderr in $T/err.
expect() {
	want=$1; what=$2; shift 3
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$what: exit $got, expected $want"
		sed 's/^/  stdout: /' "$T/out" >&2
		sed 's/^/  stderr: /' "$T/err" >&2
	fi
}

# expect_in FILE TEXT DESCRIPTION: FILE must contain TEXT.
expect_in() {
	grep -qF -- "$2" "$1" || { fail "$3: '$2' not in output"; sed 's/^/  /' "$1" >&2; }
}

# feed TEXT: printf TEXT into $T/in, for 'expect ... <"$T/in"' (a pipe
# into expect would run it in a subshell and lose its failures).
feed() {
	printf "$1" >"$T/in"
}

# pins_23: the PIN answers that create a 2-of-3 world.
pins_23() {
	printf '1111\n1111\n2222\n2222\n3333\n3333\n'
}

# create_world WHAT KMDATA DRAWER KDF-COST: a 2-of-3 world of pins_23's
# PINs (left in $T/in) with its cards in DRAWER, checked as WHAT.
create_world() {
	mkdir -p "$3"
	pins_23 >"$T/in"
	expect 0 "$1" -- "$OFFICIANT" world create --quorum 2/3 --kmdata "$2" --drawer "$3" --kdf-cost "$4" <"$T/in"
}

# need_openssl: the tests that check with the OpenSSL command line
# (OPENSSL, default openssl) and xxd are skipped without them.
: "${OPENSSL:=openssl}"
need_openssl() {
	command -v "$OPENSSL" >/dev/null 2>&1 || { echo "no openssl: skipped"; exit 77; }
	command -v xxd >/dev/null 2>&1 || { echo "no xxd: skipped"; exit 77; }
}

# need_fault_shim: tests/fault's LD_PRELOAD shim (SHIM) and prompt
# answerer (CONVERSE) next to the program; skipped (77) without them
# or in a build that takes no LD_PRELOAD of its own (sanitizers).
need_fault_shim() {
	B=$(cd "$(dirname "$OFFICIANT")" && pwd)
	SHIM=$B/tests/fault/faultshim.so
	CONVERSE=$B/tests/fault/converse
	[ -x "$CONVERSE" ] && [ -f "$SHIM" ] ||
	    { echo "no fault shim: skipped"; exit 77; }
	LD_PRELOAD=$SHIM "$OFFICIANT" --version >/dev/null 2>&1 ||
	    { echo "LD_PRELOAD does not work with this build: skipped"; exit 77; }
}

# scratch NAME: R, a directory for many runs on a tmpfs when there is
# one (a kill loses nothing that was written; only a power cut would,
# which no test makes), else $T; removed at exit with $T.
scratch() {
	R=$T
	if [ -d /dev/shm ] && [ -w /dev/shm ] &&
	    R=$(mktemp -d "/dev/shm/officiant-$1.XXXXXX"); then
		trap 'rm -rf "$T" "$R"' EXIT
	else
		R=$T
	fi
}

# need_softhsm: SoftHSM2 with a token directory of the test's own
# (SOFTHSM2_CONF, under $T/hsm), SOFTHSM its module (SOFTHSM2_MODULE
# when set), SHIM tests/p11/p11shim.so over it, P11TOOL OpenSC's
# pkcs11-tool or empty; skipped (77) without SoftHSM2 or the shim.
need_softhsm() {
	SOFTHSM=${SOFTHSM2_MODULE:-}
	for m in /usr/lib/softhsm/libsofthsm2.so \
	    /usr/lib/*/softhsm/libsofthsm2.so \
	    /usr/local/lib/softhsm/libsofthsm2.so; do
		[ -z "$SOFTHSM" ] && [ -r "$m" ] && SOFTHSM=$m
	done
	[ -n "$SOFTHSM" ] || { echo "no SoftHSM2 module: skipped"; exit 77; }
	command -v softhsm2-util >/dev/null 2>&1 ||
	    { echo "no softhsm2-util: skipped"; exit 77; }
	SHIM=$(dirname "$OFFICIANT")/tests/p11/p11shim.so
	[ -r "$SHIM" ] ||
	    { echo "no $SHIM (make check builds it): skipped"; exit 77; }
	P11TOOL=$(command -v pkcs11-tool 2>/dev/null || :)
	mkdir -p "$T/hsm/tokens"
	printf 'directories.tokendir = %s/hsm/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
	    "$T" >"$T/hsm/softhsm2.conf"
	SOFTHSM2_CONF=$T/hsm/softhsm2.conf; export SOFTHSM2_CONF
	P11SHIM_MODULE=$SOFTHSM; export P11SHIM_MODULE
}

# card_tokens: after need_softhsm, three blank cards (tokens labelled
# officiant-card-1..3, transport PIN 000000), the module's token
# officiant-hsm (user PIN 4321) and bystander, a token that is no card
# and must never be offered.
card_tokens() {
	for tok in officiant-card-1 officiant-card-2 officiant-card-3; do
		softhsm2-util --init-token --free --label "$tok" --pin 000000 --so-pin 87654321 >/dev/null || fail "init $tok"
	done
	softhsm2-util --init-token --free --label officiant-hsm --pin 4321 --so-pin 87654321 >/dev/null || fail "init officiant-hsm"
	softhsm2-util --init-token --free --label bystander --pin 5555 --so-pin 87654321 >/dev/null || fail "init bystander"
}

# byok_raw PACKAGE: the ciphertext of an Azure .byok package, decoded
# from base64url, into $T/raw.bin.
byok_raw() {
	sed -n 's/.*"ciphertext": *"\([^"]*\)".*/\1/p' "$1" | tr '_-' '/+' | tr -d '\n' >"$T/ct.b64"
	while [ $(($(wc -c <"$T/ct.b64") % 4)) -ne 0 ]; do printf '=' >>"$T/ct.b64"; done
	"$OPENSSL" base64 -d -A -in "$T/ct.b64" -out "$T/raw.bin" || fail "$1: base64url"
}

# byok_unwrap PACKAGE KEK-PRIVATE: the key an Azure .byok package
# carries (RSA-OAEP with SHA-1 of an AES-256 key, then RFC 5649 key wrap
# with padding), with the OpenSSL command line, into $T/key.bin.
byok_unwrap() {
	byok_raw "$1"
	head -c 256 "$T/raw.bin" >"$T/a.bin"
	tail -c +257 "$T/raw.bin" >"$T/k.bin"
	"$OPENSSL" pkeyutl -decrypt -inkey "$2" -in "$T/a.bin" -out "$T/aes.bin" -pkeyopt rsa_padding_mode:oaep \
	    -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1 || fail "$1: OAEP unwrap"
	"$OPENSSL" enc -d -id-aes256-wrap-pad -K "$(hex "$T/aes.bin")" -iv A65959A6 -in "$T/k.bin" -out "$T/key.bin" ||
	    fail "$1: AES key wrap"
}

# token_zero_block KMDATA KEY [LABEL]: 16 zero bytes ($T/zero) encrypted
# with AES-ECB by KEY's AES key on the token LABEL (officiant-hsm;
# pkcs11-tool), into $T/zero.token.
token_zero_block() {
	tz_id=$("$OFFICIANT" key inspect --kmdata "$1" "$2" | sed -n 's/.*CKA_ID \([0-9a-f]*\)$/\1/p')
	head -c 16 /dev/zero >"$T/zero"
	"$P11TOOL" --module "$SOFTHSM" --token-label "${3:-officiant-hsm}" --login --pin 4321 --encrypt --id "$tz_id" -m AES-ECB \
	    --input-file "$T/zero" --output-file "$T/zero.token" >/dev/null 2>&1 || fail "pkcs11-tool --encrypt"
}

# has_pin FILE PIN...: one of the PINs in FILE on its own, not inside a
# longer run of hex or base64 (where four digits turn up by chance).
has_pin() {
	hp_f=$1; shift
	for hp_p in "$@"; do
		grep -Eq "(^|[^0-9A-Za-z+/=])$hp_p([^0-9A-Za-z+/=]|\$)" "$hp_f" && return 0
	done
	return 1
}

# sum FILE: its checksum, to show it did not change; sha FILE: its
# SHA-256 in hex; hex FILE: its bytes in hex, on one line.
sum() {
	cksum <"$1"
}
sha() {
	sha256sum <"$1" | cut -d' ' -f1
}
hex() {
	xxd -p <"$1" | tr -d '\n'
}
# pub_fp OPENSSL-PKEY-ARGS...: SHA-256 of the key's DER
# SubjectPublicKeyInfo, as officiant prints key and KEK fingerprints.
pub_fp() {
	"$OPENSSL" pkey "$@" -pubout -outform DER | sha256sum | cut -d' ' -f1
}
# key_fp KMDATA KEY: the fingerprint 'key inspect' shows.
key_fp() {
	"$OFFICIANT" key inspect --kmdata "$1" "$2" | sed -n 's/^  fingerprint  //p'
}

# Transcript checks for tests that set K (KMDATA): snap_transcripts
# before a command, then recorded CEREMONY WHAT (exactly one new sealed
# transcript of that ceremony that verify accepts), recorded_if_any (a
# command refused before its ceremony began may leave none) or
# not_recorded WHAT (none left).
snap_transcripts() {
	ls "$K/transcripts" >"$T/tr.before" 2>/dev/null || : >"$T/tr.before"
}
recorded() {
	ls "$K/transcripts" >"$T/tr.after"
	new=$(comm -13 "$T/tr.before" "$T/tr.after")
	check_new "$@"
}
recorded_if_any() {
	ls "$K/transcripts" >"$T/tr.after"
	new=$(comm -13 "$T/tr.before" "$T/tr.after")
	[ -z "$new" ] || check_new "$@"
}
check_new() {
	case $new in
	*[!-a-zA-Z0-9.]*|"")
		fail "$2: expected one new $1 transcript, got '$new'"
		return ;;
	*-"$1".transcript|*-"$1"-[0-9]*.transcript) ;;
	*)
		fail "$2: new transcript '$new' is not of $1"
		return ;;
	esac
	if ! "$OFFICIANT" verify --kmdata "$K" "$K/transcripts/$new" >"$T/vout" 2>&1; then
		fail "$2: transcript $new does not verify"
		sed 's/^/  /' "$T/vout" >&2
	fi
	grep -q "^OK: transcript of ceremony $1: .*sealed" "$T/vout" || fail "$2: transcript $new not sealed"
}
not_recorded() {
	ls "$K/transcripts" >"$T/tr.after"
	cmp -s "$T/tr.before" "$T/tr.after" || fail "$1: a transcript was left: $(comm -13 "$T/tr.before" "$T/tr.after")"
}

# verify_all MIN KMDATA...: every transcript of each KMDATA verifies
# against its world, and there are MIN of them or more in all.
verify_all() {
	v_min=$1; shift
	v_n=0
	for v_k in "$@"; do
		for v_tr in "$v_k"/transcripts/*.transcript; do
			expect 0 "verify $(basename "$v_tr")" -- "$OFFICIANT" verify --kmdata "$v_k" "$v_tr"
			v_n=$((v_n + 1))
		done
	done
	[ "$v_n" -ge "$v_min" ] || fail "only $v_n transcripts"
}

# For tests that work in a directory W: snap (snap_transcripts and the
# listing of W), then nothing_written WHAT: W is as it was.
snap() {
	snap_transcripts
	ls -a "$W" >"$T/w.before"
}
nothing_written() {
	ls -a "$W" >"$T/w.after"
	cmp -s "$T/w.before" "$T/w.after" || fail "$1: files left: $(comm -13 "$T/w.before" "$T/w.after")"
}

# Searches for key material in the clear, for tests that set P (a
# directory of their own): hex_needles FILE... adds the hex of each file
# to $P/needles, whole and in 32-byte windows; pub_hex DER: the hex of
# the public key of the private key in DER, on one line; b64_needles
# FILE... adds to $P/b64needles the base64 of each file at each byte
# alignment, less the ends that depend on their neighbours, in both
# alphabets; needles_found A B C: the searches work, finding the hex of
# A, the base64 of B and the base64url of C; no_leaks LIST: no file
# named in LIST holds a line of $P/hexneedles in hex nor one of
# $P/b64needles.
hex_needles() {
	for n_f in "$@"; do
		n_h=$(hex "$n_f")
		echo "$n_h" >>"$P/needles"
		n_l=${#n_h}
		n_o=64
		while [ $((n_o + 64)) -le "$n_l" ]; do
			printf '%s\n' "$n_h" | cut -c $((n_o + 1))-$((n_o + 64)) >>"$P/needles"
			n_o=$((n_o + 96))
		done
	done
}
pub_hex() {
	"$OPENSSL" pkey -inform DER -in "$1" -pubout -outform DER | xxd -p | tr -d '\n'
	echo
}
b64_needles() {
	for n_f in "$@"; do
		for n_o in 0 1 2; do
			n_b=$({ head -c "$n_o" /dev/zero; cat "$n_f"; } | base64 -w0 | sed 's/^....//; s/....$//')
			[ ${#n_b} -ge 32 ] || fail "base64 needle '$n_b' too short"
			printf '%s\n' "$n_b" >>"$P/b64needles"
			printf '%s\n' "$n_b" | tr '+/' '-_' >>"$P/b64needles"
		done
	done
}
needles_found() {
	hex "$1" | grep -qF -f "$P/hexneedles" || fail "the hex search does not work"
	base64 -w0 "$2" | grep -qF -f "$P/b64needles" || fail "the base64 search does not work"
	base64 -w0 "$3" | tr '+/' '-_' | grep -qF -f "$P/b64needles" || fail "the base64url search does not work"
}
# key_needles MIN ID...: the needles of private keys unwrapped to
# $P/ID.der (and the AES keys of their packages, $P/*.aes): the hex of
# each key (both encodings, less what the public key shows too; more
# than MIN lines) and the base64 of a secret run of each and of the
# AES keys; then needles_found on the first three.
key_needles() {
	k_min=$1; shift
	: >"$P/needles"
	: >"$P/public"
	for k_id in "$@"; do
		[ -s "$P/$k_id.der" ] || { fail "no $k_id in the clear"; continue; }
		"$OPENSSL" pkey -inform DER -in "$P/$k_id.der" -outform DER \
		    -out "$P/$k_id.trad" || fail "openssl pkey $k_id"
		hex_needles "$P/$k_id.der" "$P/$k_id.trad"
		pub_hex "$P/$k_id.der" >>"$P/public"
	done
	for k_a in "$P"/*.aes; do
		hex "$k_a" >>"$P/needles"
	done
	grep -vF -f "$P/public" "$P/needles" >"$P/hexneedles"
	[ "$(wc -l <"$P/hexneedles")" -gt "$k_min" ] ||
	    fail "too few needles beyond the public keys: $(wc -l <"$P/hexneedles")"
	: >"$P/b64needles"
	for k_id in "$@"; do
		tail -c +321 "$P/$k_id.der" | head -c 30 >"$P/$k_id.secret"
		b64_needles "$P/$k_id.secret"
	done
	b64_needles "$P"/*.der.aes
	needles_found "$P/$1.der" "$P/$2.der" "$P/$3.der"
}
no_leaks() {
	while read -r n_f; do
		xxd -p "$n_f" | tr -d '\n' | grep -qF -f "$P/hexneedles" && fail "$n_f holds key material (hex)"
		grep -qaF -f "$P/b64needles" "$n_f" && fail "$n_f holds key material (base64)"
	done <"$1"
}

# unwrap_package PKG KEKPRIV MD MODE OUT: the FORMATS.md recipe with the
# OpenSSL command line and the KEK's private key KEKPRIV, the material
# into OUT. A .byok package holds the ciphertext in base64url, any other
# is the ciphertext. MODE wrap: RSA-OAEP (MD for OAEP and MGF1, and no
# other digest) of a one-time AES key, which goes to OUT.aes (and
# wrapped to $P/a.bin), then AES-KWP of the material; oaep: the
# material under RSA-OAEP alone.
unwrap_package() {
	u_L=$(($("$OPENSSL" pkey -in "$2" -noout -text | sed -n 's/^Private-Key: (\([0-9]*\) bit.*/\1/p') / 8))
	case $1 in
	*.byok)
		u_ct=$(sed -n 's/^  "ciphertext": "\(.*\)",$/\1/p' "$1")
		case $u_ct in
		""|*[!A-Za-z0-9_-]*) fail "$1: ciphertext is not base64url without padding: '$u_ct'" ;;
		esac
		while [ $((${#u_ct} % 4)) -ne 0 ]; do u_ct="$u_ct="; done
		printf '%s' "$u_ct" | tr -- '-_' '+/' | base64 -d >"$P/wrapped" || fail "$1: base64" ;;
	*)
		cp "$1" "$P/wrapped" ;;
	esac
	u_len=$(wc -c <"$P/wrapped")
	if [ "$4" = oaep ]; then
		[ "$u_len" -eq "$u_L" ] || fail "$1: $u_len bytes, not the modulus' $u_L"
		"$OPENSSL" pkeyutl -decrypt -inkey "$2" -in "$P/wrapped" -out "$5" \
		    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:"$3" -pkeyopt rsa_mgf1_md:"$3" ||
		    fail "$1: RSA-OAEP $3 decryption"
		return
	fi
	[ "$u_len" -gt $((u_L + 16)) ] && [ $(((u_len - u_L) % 8)) -eq 0 ] || fail "$1: $u_len bytes under a $u_L-byte KEK"
	head -c "$u_L" "$P/wrapped" >"$P/a.bin"
	tail -c +$((u_L + 1)) "$P/wrapped" >"$P/k.bin"
	"$OPENSSL" pkeyutl -decrypt -inkey "$2" -in "$P/a.bin" -out "$5.aes" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:"$3" -pkeyopt rsa_mgf1_md:"$3" ||
	    fail "$1: RSA-OAEP $3 decryption"
	[ "$(wc -c <"$5.aes")" -eq 32 ] || fail "$1: the wrapped AES key is not 32 bytes"
	# The other digest does not decrypt: the right one was used.
	case $3 in sha1) u_other=sha256 ;; *) u_other=sha1 ;; esac
	! "$OPENSSL" pkeyutl -decrypt -inkey "$2" -in "$P/a.bin" -out "$P/other" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:"$u_other" -pkeyopt rsa_mgf1_md:"$u_other" 2>/dev/null ||
	    fail "$1: decrypts with $u_other as well"
	"$OPENSSL" enc -d -id-aes256-wrap-pad -K "$(hex "$5.aes")" -iv A65959A6 -in "$P/k.bin" -out "$5" ||
	    fail "$1: AES key unwrap"
	[ $((u_len - u_L)) -eq $((8 + 8 * (($(wc -c <"$5") + 7) / 8))) ] || fail "$1: KWP length"
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	exit 0
}
