#!/usr/bin/python3
"""Independent verifier of officiant ceremony transcripts.

Written from the documentation only: officiant-transcript(5),
officiant-world(5), RFC 6962 / RFC 9162 and the C2SP signed-note,
tlog-checkpoint and tlog-cosignature specifications.  It shares no code
with officiant, so that an auditor can see the format documentation is
enough to check a transcript.  It applies the rules of VERIFICATION in
officiant-transcript(5) as written; where it and 'officiant verify'
disagree, one of them or the manual is wrong.  One rule departs from the
page's text: every signature line that carries a key's name and
identifier is tried (see note_signed), where the page still says that
only the first such line is examined.

Usage: verify-transcript.py [--key VKEY]... [--world WORLDFILE]
                            [--witness VKEY]... [--expect-root ROOT]
                            [--check-files] TRANSCRIPT

Exit status: 0 verified (sealed, intact, every segment anchored),
3 bad, 6 intact but unsealed, 7 sealed and intact but not anchored,
2 usage error (--key takes keys of type 0x01 only, --witness keys of
type 0x04 only, at most 16 of each), 1 the transcript, the world file or,
with --check-files, a file the transcript lists could not be read.

Needs the Python standard library and 'cryptography'.
"""

import argparse
import base64
import binascii
import hashlib
import json
import os
import re
import stat
import struct
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
except ImportError:  # pragma: no cover
    sys.stderr.write("verify-transcript: needs the Python 'cryptography' "
                     "package (Debian: python3-cryptography)\n")
    sys.exit(1)

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_BAD = 0, 1, 2, 3
EXIT_UNSEALED, EXIT_UNANCHORED = 6, 7

MAX_FILE = 64 * 1024 * 1024
MAX_LINE = 65536
MAX_NOTE = 8192
MAX_SEGMENTS = 64
MAX_WORLD = 1048576
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
# Deepest nesting of JSON values accepted (Encoding rules): the line's
# object is at level 1 and every value, a scalar included, one level
# deeper than the object or array that holds it.
MAX_DEPTH = 2048
UINT64_MAX = (1 << 64) - 1
MAX_KEYS = 16             # --key and --witness each, officiant(1)

ENTRY_TYPES = {
    "ceremony-started", "segment-resumed", "step-begun", "step-ended",
    "prompt-shown", "card-inserted", "card-removed", "parameter-set",
    "action-result", "file-written", "ceremony-sealed",
    "officer-authenticated", "exception-recorded", "witness-acknowledged",
    "action-begun",
}
ENTRY_MEMBERS = ("seq", "time", "type", "step", "actor", "data")

KEY_ED25519 = 0x01
KEY_COSIGNATURE_V1 = 0x04
EM_DASH = "\u2014"

BINDING_DOMAIN = b"officiant transcript binding v1"
WORLD_DOMAIN = b"officiant world v1"


class Bad(Exception):
    """A rule is broken: exit 3.  line is 1-based, or None for the file."""

    def __init__(self, why, line=None):
        super().__init__(why)
        self.why = why
        self.line = line


class Fail(Exception):
    """An operational failure (cannot read a file): exit 1."""


# ---------------------------------------------------------------- encodings

def sha256(data):
    return hashlib.sha256(data).digest()


def b64decode_strict(text, what, minlen=None, maxlen=None):
    """RFC 4648 standard base64, '=' padding, no white space, unused bits
    zero.  Returns bytes or raises ValueError."""
    if not isinstance(text, str):
        raise ValueError("%s is not a string" % what)
    if len(text) % 4 != 0 or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text):
        raise ValueError("%s is not base64" % what)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("%s is not base64" % what)
    # Unused bits must be zero: encoding the bytes again gives the text.
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("%s is not canonical base64" % what)
    if minlen is not None and len(raw) < minlen:
        raise ValueError("%s is too short" % what)
    if maxlen is not None and len(raw) > maxlen:
        raise ValueError("%s is too long" % what)
    return raw


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


def hex_decode(text, nbytes, what, either_case):
    if not isinstance(text, str) or len(text) != 2 * nbytes:
        raise ValueError("%s is not %d bytes of hex" % (what, nbytes))
    pat = r"[0-9a-fA-F]*" if either_case else r"[0-9a-f]*"
    if not re.fullmatch(pat, text):
        raise ValueError("%s is not %s hex" % (what, "" if either_case
                                               else "lower-case"))
    return bytes.fromhex(text)


TIME_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")


def is_time(value):
    """A UTC time of exactly 20 characters that names a real moment."""
    if not isinstance(value, str) or len(value) != 20:
        return False
    m = TIME_RE.fullmatch(value)
    if not m:
        return False
    y, mo, d, h, mi, s = (int(g) for g in m.groups())
    if not 1 <= mo <= 12 or h > 23 or mi > 59 or s > 59:
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    mdays = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= d <= mdays[mo - 1]


def tbs(*fields):
    """The length-prefixed string of officiant-world(5)."""
    out = bytearray()
    for f in fields:
        if isinstance(f, str):
            f = f.encode("utf-8")
        out += struct.pack(">I", len(f)) + f
    return bytes(out)


def u32(n):
    return struct.pack(">I", n)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


# ---------------------------------------------------------------- JSON

class JsonError(ValueError):
    pass


def _pairs_hook(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise JsonError("duplicate member %s" % json.dumps(k))
        obj[k] = v
    return obj


def _parse_int(text):
    n = int(text)
    if not INT64_MIN <= n <= INT64_MAX:
        raise JsonError("integer out of range")
    return n


def _parse_float(text):
    f = float(text)
    if f in (float("inf"), float("-inf")):
        raise JsonError("number out of range")
    return f


def _parse_constant(name):
    raise JsonError("%s is not JSON" % name)


def _check_strings(v):
    """No U+0000 anywhere, and every string valid Unicode (no lone
    surrogate from a \\u escape), in names and values."""
    if isinstance(v, str):
        if "\x00" in v:
            raise JsonError("a string holds U+0000")
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            raise JsonError("a string holds a lone surrogate")
    elif isinstance(v, dict):
        for k, x in v.items():
            _check_strings(k)
            _check_strings(x)
    elif isinstance(v, list):
        for x in v:
            _check_strings(x)


def _bracket_depth(text):
    """The deepest nesting of brackets outside strings."""
    depth = top = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            top = max(top, depth)
        elif ch in "]}":
            depth -= 1
    return top


def _value_depth(v):
    """Depth of a parsed value, scalars counting as one level."""
    best, stack = 0, [(v, 1)]
    while stack:
        x, d = stack.pop()
        best = max(best, d)
        if isinstance(x, dict):
            stack.extend((y, d + 1) for y in x.values())
        elif isinstance(x, list):
            stack.extend((y, d + 1) for y in x)
    return best


def parse_json_object(raw):
    """Parse bytes as one JSON object under the encoding rules."""
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise JsonError("not valid UTF-8")
    if text.startswith("\ufeff"):
        raise JsonError("byte order mark")
    if text.count("[") + text.count("{") > MAX_DEPTH \
            and _bracket_depth(text) > MAX_DEPTH:
        raise JsonError("nested deeper than %d" % MAX_DEPTH)
    try:
        obj = json.loads(text, object_pairs_hook=_pairs_hook,
                         parse_int=_parse_int, parse_float=_parse_float,
                         parse_constant=_parse_constant)
    except JsonError:
        raise
    except (ValueError, RecursionError) as e:
        raise JsonError("not JSON (%s)" % str(e).split(":")[0])
    if not isinstance(obj, dict):
        raise JsonError("not a JSON object")
    if _value_depth(obj) > MAX_DEPTH:
        raise JsonError("nested deeper than %d" % MAX_DEPTH)
    _check_strings(obj)
    return obj


# ---------------------------------------------------------------- keys

class VerifierKey:
    def __init__(self, name, keyid, ktype, pub):
        self.name = name          # str
        self.keyid = keyid        # 4 bytes
        self.type = ktype         # int
        self.pub = pub            # 32 bytes
        self.key = ed25519.Ed25519PublicKey.from_public_bytes(pub)

    def __str__(self):
        return "%s+%s+%s" % (self.name, self.keyid.hex(),
                             b64(bytes([self.type]) + self.pub))


def valid_key_name(name):
    raw = name.encode("utf-8", errors="surrogatepass")
    if not 1 <= len(raw) <= 255:
        return False
    return all(b > 0x20 and b != 0x2b and b != 0x7f for b in raw)


def key_id(name, ktype, pub):
    return sha256(name.encode("utf-8") + b"\n" + bytes([ktype]) + pub)[:4]


def parse_vkey(text):
    """<name>+<8 hex digits>+<base64(type || public key)>."""
    if not isinstance(text, str):
        raise ValueError("a verifier key is not a string")
    parts = text.split("+")
    # base64 may itself hold '+': the name cannot, nor the hex.
    if len(parts) < 3:
        raise ValueError("a verifier key is NAME+ID+KEY")
    name, hexid, k64 = parts[0], parts[1], "+".join(parts[2:])
    if not valid_key_name(name):
        raise ValueError("bad key name")
    if not re.fullmatch(r"[0-9a-fA-F]{8}", hexid):
        raise ValueError("the key identifier is not 8 hex digits")
    raw = b64decode_strict(k64, "the key")
    if len(raw) != 33:
        raise ValueError("the key is not 33 bytes")
    ktype, pub = raw[0], raw[1:]
    if ktype not in (KEY_ED25519, KEY_COSIGNATURE_V1):
        raise ValueError("unknown key type 0x%02x" % ktype)
    kid = key_id(name, ktype, pub)
    if kid != bytes.fromhex(hexid):
        raise ValueError("the key identifier does not match the key")
    try:
        return VerifierKey(name, kid, ktype, pub)
    except ValueError:
        raise ValueError("not an Ed25519 public key")


def ed25519_ok(key, sig, msg):
    try:
        key.verify(sig, msg)
        return True
    except InvalidSignature:
        return False


# ---------------------------------------------------------------- notes

class Note:
    def __init__(self, text, sigs):
        self.text = text          # str, ends in LF
        self.sigs = sigs          # list of (name, bytes)


def parse_note(note):
    """A signed note under Signed notes: returns a Note or raises
    ValueError."""
    try:
        raw = note.encode("utf-8", errors="strict")
    except UnicodeEncodeError:
        # Only a surrogate cannot be encoded; the JSON rules refuse it
        # already, but a note must be valid UTF-8 on its own account.
        raise ValueError("the note is not valid UTF-8")
    if len(raw) > MAX_NOTE:
        raise ValueError("the note is longer than %d bytes" % MAX_NOTE)
    for b in raw:
        if (b < 0x20 and b != 0x0a) or b == 0x7f:
            raise ValueError("the note holds a control character")
    if not note.endswith("\n"):
        raise ValueError("the note does not end in a line feed")
    # The text ends at the first line feed of the last occurrence of
    # two line feeds in a row.
    i = note.rfind("\n\n")
    if i < 0:
        raise ValueError("the note has no blank line before its signatures")
    text, rest = note[:i + 1], note[i + 2:]
    sigs = []
    lines = rest.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    if not 1 <= len(lines) <= 32:
        raise ValueError("the note has %d signature lines, not 1 to 32"
                         % len(lines))
    for ln in lines:
        if not ln.startswith(EM_DASH + " "):
            raise ValueError("a signature line does not begin with an "
                             "em dash and a space")
        body = ln[2:]
        parts = body.split(" ")
        if len(parts) != 2:
            raise ValueError("a signature line is not NAME SIGNATURE")
        name, s64 = parts
        if not valid_key_name(name):
            raise ValueError("a signature line has a bad key name")
        if len(s64) >= 256:
            raise ValueError("a signature is too long")
        sig = b64decode_strict(s64, "a signature", 5, 76)
        sigs.append((name, sig))
    return Note(text, sigs)


def _line_signs(note, key, sig):
    """Whether one signature line's bytes hold a valid signature of the
    note by the key, as its type says (Signed notes)."""
    text = note.text.encode("utf-8")
    if key.type == KEY_ED25519:
        return len(sig) == 68 and ed25519_ok(key.key, sig[4:], text)
    if key.type == KEY_COSIGNATURE_V1:
        if len(sig) != 76:
            return False
        t = struct.unpack(">Q", sig[4:12])[0]
        if t > INT64_MAX:
            return False
        msg = b"cosignature/v1\ntime %d\n" % t + text
        return ed25519_ok(key.key, sig[12:], msg)
    return False


def note_signed(note, key):
    """A note is signed by a key when one of the signature lines that
    carry the key's name and begin with its identifier holds a valid
    signature.  Every such line is tried, so that a line which merely
    carries a public name and identifier cannot hide a genuine one.
    (officiant-transcript(5) still says that only the first such line is
    examined; officiant verify tries them all since e90f561.)"""
    for name, sig in note.sigs:
        if name == key.name and sig[:4] == key.keyid \
                and _line_signs(note, key, sig):
            return True
    return False


def parse_checkpoint_body(text):
    """<origin> LF <size> LF <base64 root> LF, exactly."""
    lines = text.split("\n")
    if len(lines) != 4 or lines[3] != "":
        raise ValueError("the checkpoint body is not exactly three lines")
    origin, size, root = lines[:3]
    if not 1 <= len(origin.encode("utf-8")) <= 200:
        raise ValueError("the checkpoint origin is not 1 to 200 bytes")
    if not re.fullmatch(r"0|[1-9][0-9]{0,19}", size) \
            or int(size) > UINT64_MAX:
        raise ValueError("the checkpoint size is not a decimal number "
                         "of at most %d" % UINT64_MAX)
    root = b64decode_strict(root, "the checkpoint root", 32, 32)
    return origin, int(size), root


# ---------------------------------------------------------------- Merkle

def leaf_hash(line):
    return sha256(b"\x00" + line)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


class Tree:
    """All levels of the tree over the leaves, so that the hash of any
    subtree the RFC 6962 recursion visits costs O(log n)."""

    def __init__(self, leaves):
        self.levels = [list(leaves)]
        while len(self.levels[-1]) > 1:
            prev = self.levels[-1]
            self.levels.append([node_hash(prev[i], prev[i + 1])
                                for i in range(0, len(prev) - 1, 2)])

    def mth(self, a, b):
        """MTH(D[a..b]), RFC 6962 section 2.1."""
        n = b - a
        if n == 0:
            return sha256(b"")
        if n & (n - 1) == 0 and a % n == 0:
            h = n.bit_length() - 1
            return self.levels[h][a >> h]
        k = 1 << ((n - 1).bit_length() - 1)
        return node_hash(self.mth(a, a + k), self.mth(a + k, b))

    def root(self, n):
        return self.mth(0, n)

    def consistency_proof(self, m, n):
        """PROOF(m, D[n]) of RFC 6962 section 2.1.2."""
        def subproof(m, a, b, complete):
            n = b - a
            if m == n:
                return [] if complete else [self.mth(a, b)]
            k = 1 << ((n - 1).bit_length() - 1)
            if m <= k:
                return subproof(m, a, a + k, complete) + [self.mth(a + k, b)]
            return subproof(m - k, a + k, b, False) + [self.mth(a, a + k)]
        return subproof(m, 0, n, True)


def verify_consistency(m, n, old_root, new_root, proof):
    """RFC 9162 section 2.1.4.2."""
    if m == n:
        return not proof and old_root == new_root
    if m == 0 or m > n:
        return False
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = m - 1, n - 1
    if fn & 1:
        while fn & 1:
            fn >>= 1
            sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


# ---------------------------------------------------------------- world

class World:
    def __init__(self, identity, modules):
        self.identity = identity  # 32 bytes
        self.modules = modules    # module id (16 bytes) -> Ed25519 key


def load_world(path):
    """Verify a world file as officiant-world(5) says, without cards:
    parse it and check every member, check the public key's identity,
    verify the world's signature.  Returns a World or raises Bad."""
    try:
        st = os.lstat(path)
    except OSError as e:
        raise Fail("cannot read the world file %s: %s" % (path, e.strerror))
    if not stat.S_ISREG(st.st_mode):
        raise Bad("the world file %s is not a regular file" % path)
    if st.st_size > MAX_WORLD:
        raise Bad("the world file %s is too large" % path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_WORLD + 1)
    except OSError as e:
        raise Fail("cannot read the world file %s: %s" % (path, e.strerror))
    if len(raw) > MAX_WORLD:
        raise Bad("the world file %s is too large" % path)

    def bad(why):
        return Bad("the world file %s: %s" % (path, why))

    try:
        w = parse_json_object(raw)
    except JsonError as e:
        raise bad(str(e))

    def members(obj, names, what):
        if not isinstance(obj, dict):
            raise bad("%s is not an object" % what)
        for n in names:
            if n not in obj:
                raise bad("%s has no member %s" % (what, n))
        for n in obj:
            if n not in names:
                raise bad("%s has an unknown member %s" % (what, n))

    def integer(v, lo, hi, what):
        if not is_int(v) or not lo <= v <= hi:
            raise bad("%s is not an integer from %d to %d" % (what, lo, hi))
        return v

    def string(v, maxlen, what):
        if not isinstance(v, str) or len(v.encode("utf-8")) > maxlen:
            raise bad("%s is not a string of at most %d bytes" % (what,
                                                                 maxlen))
        return v

    def hexm(v, n, what):
        try:
            return hex_decode(v, n, what, either_case=True)
        except ValueError as e:
            raise bad(str(e))

    def b64m(v, lo, hi, what):
        try:
            return b64decode_strict(v, what, lo, hi)
        except ValueError as e:
            raise bad(str(e))

    def timem(v, what):
        if not is_time(v):
            raise bad("%s is not a time" % what)
        return v

    def sealed(v, lo, hi, what):
        members(v, ("nonce", "ciphertext", "tag"), what)
        return (b64m(v["nonce"], 12, 12, what + ".nonce"),
                b64m(v["tag"], 16, 16, what + ".tag"),
                b64m(v["ciphertext"], lo, hi, what + ".ciphertext"))

    if not isinstance(w, dict) or w.get("format") != "officiant-world":
        raise bad("not a world file")
    if w.get("version") != 1 or not is_int(w.get("version")):
        raise bad("unsupported version")
    members(w, ("format", "version", "world", "cipher_suite", "created",
                "quorum", "pin_tries", "card_set", "public_key",
                "secret_commitment", "signing_key", "cards", "modules",
                "signature"), "the world")
    identity = hexm(w["world"], 32, "world")
    suite = string(w["cipher_suite"], 64, "cipher_suite")
    created = timem(w["created"], "created")
    members(w["quorum"], ("k", "n"), "quorum")
    qn = integer(w["quorum"]["n"], 1, 255, "quorum.n")
    qk = integer(w["quorum"]["k"], 1, qn, "quorum.k")
    pin_tries = integer(w["pin_tries"], 1, 100, "pin_tries")
    card_set = hexm(w["card_set"], 16, "card_set")
    spki = b64m(w["public_key"], 16, 1024, "public_key")
    commitment = b64m(w["secret_commitment"], 32, 32, "secret_commitment")
    sk = sealed(w["signing_key"], 1, 4096, "signing_key")

    cards = w["cards"]
    if not isinstance(cards, list) or len(cards) > 255:
        raise bad("cards is not a list of at most 255 cards")
    card_fields, ids, active_idx = [], set(), set()
    for i, c in enumerate(cards):
        what = "cards[%d]" % i
        members(c, ("index", "card_id", "share_tag", "state"), what)
        idx = integer(c["index"], 1, qn, what + ".index")
        cid = hexm(c["card_id"], 16, what + ".card_id")
        tag = b64m(c["share_tag"], 32, 32, what + ".share_tag")
        if c["state"] not in ("active", "retired"):
            raise bad(what + ".state is not active or retired")
        if cid in ids:
            raise bad("card %s is listed twice" % cid.hex())
        ids.add(cid)
        if c["state"] == "active":
            if idx in active_idx:
                raise bad("two active cards have index %d" % idx)
            active_idx.add(idx)
        card_fields += [u32(idx), cid, tag, c["state"]]
    if len(active_idx) != qn:
        raise bad("the number of active cards is not quorum.n")

    mods = w["modules"]
    if not isinstance(mods, list) or not 1 <= len(mods) <= 16:
        raise bad("modules is not a list of 1 to 16 modules")
    module_fields, module_keys = [], {}
    for i, m in enumerate(mods):
        what = "modules[%d]" % i
        # public_key is documented in officiant-transcript(5), BINDING.
        members(m, ("backend", "module", "created", "key_check",
                    "public_key", "recovery"), what)
        backend = string(m["backend"], 15, what + ".backend")
        mid = hexm(m["module"], 16, what + ".module")
        mcreated = timem(m["created"], what + ".created")
        key_check = b64m(m["key_check"], 32, 32, what + ".key_check")
        mpub = b64m(m["public_key"], 32, 32, what + ".public_key")
        rec = sealed(m["recovery"], 1, 32, what + ".recovery")
        if mid in module_keys:
            raise bad("module %s is listed twice" % mid.hex())
        try:
            module_keys[mid] = ed25519.Ed25519PublicKey.from_public_bytes(
                mpub)
        except ValueError:
            raise bad(what + ".public_key is not an Ed25519 key")
        module_fields += [backend, mid, mcreated, key_check, mpub] + list(rec)

    sig = b64m(w["signature"], 1, 256, "signature")

    # IDENTITY
    if sha256(spki) != identity:
        raise bad("the identity is not the SHA-256 hash of public_key")
    try:
        pub = serialization.load_der_public_key(spki)
    except ValueError:
        raise bad("public_key is not a DER SubjectPublicKeyInfo")
    # The DER must take up all the bytes.
    again = pub.public_bytes(serialization.Encoding.DER,
                             serialization.PublicFormat.SubjectPublicKeyInfo)
    if again != spki:
        raise bad("public_key is not exactly one DER SubjectPublicKeyInfo")

    # SIGNATURE
    signed = tbs(WORLD_DOMAIN, identity, suite, created, u32(qk), u32(qn),
                 u32(pin_tries), card_set, spki, commitment,
                 sk[0], sk[1], sk[2], u32(len(cards)), *card_fields,
                 u32(len(mods)), *module_fields)
    if suite == "ed25519-aes256gcm-scrypt":
        if not isinstance(pub, ed25519.Ed25519PublicKey):
            raise bad("public_key is not an Ed25519 key")
        ok = len(sig) == 64 and ed25519_ok(pub, sig, signed)
    elif suite == "p384-aes256gcm-scrypt":
        if not (isinstance(pub, ec.EllipticCurvePublicKey)
                and isinstance(pub.curve, ec.SECP384R1)):
            raise bad("public_key is not a P-384 key")
        try:
            pub.verify(sig, signed, ec.ECDSA(hashes.SHA384()))
            ok = True
        except InvalidSignature:
            ok = False
    else:
        raise bad("unknown cipher suite %s" % suite)
    if not ok:
        raise bad("the world's signature does not verify")
    return World(identity, module_keys)


# ---------------------------------------------------------------- transcript

CEREMONY_RE = re.compile(r"[a-z0-9-]{1,64}")


class Line:
    def __init__(self, number, raw, obj):
        self.number = number
        self.raw = raw
        self.obj = obj
        self.is_checkpoint = "checkpoint" in obj
        self.note = None
        self.cp = None            # (origin, size, root)
        self.seq = None


def parse_lines(raw):
    """Steps 2 and 3: split, parse every complete line."""
    pieces = raw.split(b"\n")
    unfinished = pieces.pop()  # bytes after the last LF, maybe empty
    lines, nentries = [], 0
    for i, piece in enumerate(pieces):
        no = i + 1
        if len(piece) > MAX_LINE:
            raise Bad("the line is longer than %d bytes" % MAX_LINE, no)
        try:
            obj = parse_json_object(piece)
        except JsonError as e:
            raise Bad(str(e), no)
        ln = Line(no, piece, obj)
        if ln.is_checkpoint:
            if len(obj) != 1:
                raise Bad("a checkpoint line has members besides "
                          "checkpoint", no)
            if not isinstance(obj["checkpoint"], str):
                raise Bad("the checkpoint is not a string", no)
            try:
                ln.note = parse_note(obj["checkpoint"])
                ln.cp = parse_checkpoint_body(ln.note.text)
            except ValueError as e:
                raise Bad(str(e), no)
        else:
            for m in ENTRY_MEMBERS:
                if m not in obj:
                    raise Bad("the entry has no member %s" % m, no)
            for m in obj:
                if m not in ENTRY_MEMBERS:
                    raise Bad("the entry has an unknown member %s" % m, no)
            if not is_int(obj["seq"]) or obj["seq"] != nentries:
                raise Bad("seq is not %d, the number of entries before it"
                          % nentries, no)
            if not is_time(obj["time"]):
                raise Bad("time is not a time", no)
            t = obj["type"]
            if not isinstance(t, str) or len(t.encode()) > 64 \
                    or t not in ENTRY_TYPES:
                raise Bad("unknown entry type %s" % json.dumps(t), no)
            for m in ("step", "actor"):
                v = obj[m]
                if not isinstance(v, str) or len(v.encode()) > 256:
                    raise Bad("%s is not a string of at most 256 bytes" % m,
                              no)
            if not isinstance(obj["data"], dict):
                raise Bad("data is not an object", no)
            ln.seq = nentries
            nentries += 1
        lines.append(ln)
    return lines, unfinished


def parse_binding(b):
    if not isinstance(b, dict):
        raise ValueError("the binding is not an object")
    for m in ("world", "module", "signature"):
        if m not in b:
            raise ValueError("the binding has no member %s" % m)
    world = hex_decode(b["world"], 32, "the binding's world", True)
    module = hex_decode(b["module"], 16, "the binding's module", True)
    sig = b64decode_strict(b["signature"], "the binding's signature", 64, 64)
    return world, module, sig


class Result:
    pass


def check_file(path, digest):
    """Step 4.5: True if the file matches, None if it does not exist;
    raises Fail if it cannot be read, which includes a symbolic link, a
    file that is not regular and one of more than 64 MiB."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise Fail("cannot read %s: %s" % (path, e.strerror))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Fail("cannot read %s: not a regular file" % path)
        if st.st_size > MAX_FILE:
            raise Fail("cannot read %s: larger than 64 MiB" % path)
        h, size = hashlib.sha256(), 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_FILE:
                raise Fail("cannot read %s: larger than 64 MiB" % path)
            h.update(chunk)
    except OSError as e:
        raise Fail("cannot read %s: %s" % (path, e.strerror))
    finally:
        os.close(fd)
    return h.hexdigest() == digest


def new_segment_key(d, origin, no):
    """A ceremony_key member: a verifier key of type 0x01 named after the
    origin."""
    try:
        k = parse_vkey(d.get("ceremony_key"))
    except ValueError as x:
        raise Bad("ceremony_key: %s" % x, no)
    if k.type != KEY_ED25519 or k.name != origin:
        raise Bad("ceremony_key is not an Ed25519 key (type 0x01) named "
                  "after the origin", no)
    return k


def verify(raw, keys, world, witnesses, expect_root, check_files):
    # Steps 2 and 3.
    lines, unfinished = parse_lines(raw)
    entries = [ln for ln in lines if not ln.is_checkpoint]
    tree = Tree([leaf_hash(ln.raw) for ln in entries])

    origin = None
    ceremony = None
    seg_keys = []        # VerifierKey per segment
    seg_bound = []       # bool per segment
    pending_seal = None  # the ceremony-sealed line no checkpoint followed
    final = None         # the final checkpoint line
    prev_cp = None       # the checkpoint line before, a copy included
    n = 0                # entries so far
    cp_lines = 0         # checkpoint lines so far, copies included
    checkpoints = 0      # checkpoint lines up to the final one
    files_match = files_absent = 0
    # The last file-written line of each path (4.5).
    last_write = {}
    for ln in lines:
        if not ln.is_checkpoint and ln.obj.get("type") == "file-written" \
                and isinstance(ln.obj.get("data"), dict) \
                and isinstance(ln.obj["data"].get("path"), str):
            last_write[ln.obj["data"]["path"]] = ln

    # Step 4.
    for ln in lines:
        no = ln.number
        if not ln.is_checkpoint:
            e = ln.obj
            d = e["data"]
            t = e["type"]
            i = ln.seq
            # 4.1
            if i == 0:
                if t != "ceremony-started":
                    raise Bad("entry 0 is not ceremony-started", no)
                tid = d.get("transcript")
                if not isinstance(tid, str) \
                        or not re.fullmatch(r"[0-9a-f]{32}", tid):
                    raise Bad("transcript is not 32 lower-case hex digits",
                              no)
                ceremony = d.get("ceremony")
                if not isinstance(ceremony, str) \
                        or not CEREMONY_RE.fullmatch(ceremony):
                    raise Bad("ceremony is not a valid ceremony name", no)
                training = d.get("training")
                if not isinstance(training, bool):
                    raise Bad("training is not a boolean", no)
                seg = d.get("segment")
                if not is_int(seg) or seg != 0:
                    raise Bad("segment is not 0", no)
                want = "officiant/%s%s/%s" % ("TRAINING/" if training else "",
                                              ceremony, tid)
                if d.get("origin") != want:
                    raise Bad("origin is not %s" % want, no)
                origin = want
                seg_keys.append(new_segment_key(d, origin, no))
                seg_bound.append(False)
            elif t == "ceremony-started":
                raise Bad("ceremony-started is not entry 0", no)
            # 4.2
            if final is not None:
                raise Bad("an entry follows the final checkpoint", no)
            if pending_seal is not None and t != "segment-resumed":
                raise Bad("an entry other than segment-resumed follows "
                          "the ceremony-sealed entry of line %d, which no "
                          "checkpoint covers" % pending_seal.number, no)
            # 4.3
            if t == "segment-resumed":
                seg = d.get("segment")
                ps = d.get("previous_size")
                if not is_int(seg) or not is_int(ps):
                    raise Bad("segment-resumed needs the integers segment "
                              "and previous_size", no)
                try:
                    pr = b64decode_strict(d.get("previous_root"),
                                          "previous_root", 32, 32)
                except ValueError as x:
                    raise Bad(str(x), no)
                if not isinstance(d.get("ceremony_key"), str):
                    raise Bad("ceremony_key is not a string", no)
                if seg != len(seg_keys):
                    raise Bad("segment is not %d" % len(seg_keys), no)
                if len(seg_keys) >= MAX_SEGMENTS:
                    raise Bad("more than %d segments" % MAX_SEGMENTS, no)
                c = d.get("checkpoints")
                if not is_int(c) or c != cp_lines:
                    raise Bad("checkpoints is not %d, the number of "
                              "checkpoint lines before the entry"
                              % cp_lines, no)
                u = d.get("unsigned_entries")
                if not is_int(u) or ps + u != i:
                    raise Bad("unsigned_entries plus previous_size is not "
                              "%d, the entry's seq" % i, no)
                db = d.get("discarded_bytes")
                if not is_int(db) or db < 0:
                    raise Bad("discarded_bytes is not a non-negative "
                              "integer", no)
                if prev_cp is None:
                    raise Bad("segment-resumed before any checkpoint", no)
                if ps != prev_cp.cp[1] or pr != prev_cp.cp[2]:
                    raise Bad("previous_size and previous_root are not the "
                              "size and root of the last checkpoint", no)
                seg_keys.append(new_segment_key(d, origin, no))
                seg_bound.append(False)
                pending_seal = None
            # 4.4
            if t == "ceremony-sealed":
                ne = d.get("entries")
                if not is_int(ne) or ne != i + 1:
                    raise Bad("the seal counts %s entries; it is entry %d "
                              "of %d" % (json.dumps(ne), i, i + 1), no)
                c = d.get("checkpoints")
                if not is_int(c) or c != cp_lines:
                    raise Bad("the seal counts %s checkpoints before it; "
                              "the file has %d: a checkpoint line was "
                              "removed or added" % (json.dumps(c), cp_lines),
                              no)
                pending_seal = ln
            # 4.5
            if t == "file-written":
                path, digest = d.get("path"), d.get("sha256")
                if not isinstance(path, str) or not isinstance(digest, str) \
                        or not re.fullmatch(r"[0-9a-f]{64}", digest):
                    raise Bad("file-written needs path and sha256, 64 "
                              "lower-case hex digits", no)
                # A file written again later is checked against its
                # last entry only.
                if check_files and last_write.get(path) == ln:
                    same = check_file(path, digest)
                    if same is None:
                        files_absent += 1
                    elif not same:
                        raise Bad("%s has changed since it was written"
                                  % path, no)
                    else:
                        files_match += 1
            # 4.6
            if "binding" in d:
                try:
                    bw, bm, bsig = parse_binding(d["binding"])
                except ValueError as x:
                    raise Bad(str(x), no)
                if world is not None and bw == world.identity:
                    mkey = world.modules.get(bm)
                    if mkey is None:
                        raise Bad("the binding names a module that is not "
                                  "the world's", no)
                    s = len(seg_keys) - 1
                    msg = tbs(BINDING_DOMAIN, origin, u32(s),
                              seg_keys[s].pub, bw, bm)
                    if not ed25519_ok(mkey, bsig, msg):
                        raise Bad("the binding's signature does not verify",
                                  no)
                    seg_bound[s] = True
            n += 1
            continue

        # A checkpoint line.
        cp_origin, size, root = ln.cp
        # 4c.1
        if n == 0:
            raise Bad("a checkpoint before any entry", no)
        # 4c.2
        if final is not None:
            if ln.note.text != final.note.text:
                raise Bad("after the final checkpoint, a checkpoint that "
                          "is not a copy of it", no)
            mine = ln.obj["checkpoint"].encode("utf-8")
            before = prev_cp.obj["checkpoint"].encode("utf-8")
            if len(mine) <= len(before) or not mine.startswith(before):
                raise Bad("a copy of the final checkpoint that does not "
                          "keep the whole note of the line before it and "
                          "add a signature line", no)
            if not note_signed(ln.note, seg_keys[-1]):
                raise Bad("the copy of the final checkpoint is not signed "
                          "by the ceremony key of segment %d"
                          % (len(seg_keys) - 1), no)
            prev_cp = ln
            cp_lines += 1
            continue
        # 4c.3
        if prev_cp is not None and n <= prev_cp.cp[1]:
            raise Bad("a checkpoint that covers nothing new: repeated or "
                      "moved", no)
        # 4c.4 to 4c.7
        if cp_origin != origin:
            raise Bad("the checkpoint's origin is not the transcript's", no)
        if size != n:
            raise Bad("the checkpoint covers %d entries, but %d come "
                      "before it" % (size, n), no)
        if root != tree.root(n):
            raise Bad("the checkpoint's root is not that of the entries "
                      "before it", no)
        if not note_signed(ln.note, seg_keys[-1]):
            raise Bad("the checkpoint is not signed by the ceremony key "
                      "of segment %d" % (len(seg_keys) - 1), no)
        # 4c.8
        if prev_cp is not None:
            m = prev_cp.cp[1]
            proof = tree.consistency_proof(m, n)
            if not verify_consistency(m, n, prev_cp.cp[2], root, proof):
                raise Bad("the checkpoint is not consistent with the "
                          "previous one", no)
        # 4c.9
        if pending_seal is not None:
            final = ln
            pending_seal = None
        prev_cp = ln
        cp_lines += 1
        checkpoints += 1

    # Step 5.
    if prev_cp is None:
        raise Bad("the transcript has no checkpoint at all")
    # Step 6.
    if final is not None and unfinished:
        raise Bad("an unfinished line follows the final checkpoint",
                  len(lines) + 1)
    # Step 7.
    anchored = []
    for s, k in enumerate(seg_keys):
        anchored.append(seg_bound[s] or any(x.pub == k.pub for x in keys))
    if keys and not all(anchored):
        s = anchored.index(False)
        raise Bad("the ceremony key of segment %d is neither one of the "
                  "keys given nor bound to the world" % s)

    r = Result()
    r.ceremony, r.entries, r.checkpoints = ceremony, n, checkpoints
    r.segments = len(seg_keys)
    r.last_size, r.last_root = prev_cp.cp[1], prev_cp.cp[2]
    r.files_match, r.files_absent = files_match, files_absent
    # Step 8.
    r.sealed = final is not None
    if not r.sealed:
        return EXIT_UNSEALED, r
    # Step 9: only the last checkpoint line is examined.
    for w in witnesses:
        if not note_signed(prev_cp.note, w):
            raise Bad("no valid cosignature by witness %s" % w.name,
                      prev_cp.number)
    # Step 10.
    if expect_root is not None and expect_root != r.last_root:
        raise Bad("the final root is not the one expected", prev_cp.number)
    r.witnesses = len(witnesses)
    # Step 11.
    if not all(anchored):
        r.unanchored = anchored.index(False)
        return EXIT_UNANCHORED, r
    return EXIT_OK, r


def parse_root(text):
    t = text.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", t):
        return bytes.fromhex(t)
    return b64decode_strict(t, "the expected root", 32, 32)


def main(argv):
    # Room for JSON nested MAX_DEPTH deep in the json module's parser.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), MAX_DEPTH + 1000))
    ap = argparse.ArgumentParser(
        prog="verify-transcript.py",
        description="Verify an officiant ceremony transcript independently.")
    ap.add_argument("--key", action="append", default=[], metavar="VKEY",
                    help="an expected ceremony key (repeatable)")
    ap.add_argument("--world", metavar="WORLDFILE",
                    help="the world file whose modules vouch for the keys")
    ap.add_argument("--witness", action="append", default=[],
                    metavar="VKEY", help="a witness who must have cosigned")
    ap.add_argument("--expect-root", metavar="ROOT",
                    help="the final root, hex or base64")
    ap.add_argument("--check-files", action="store_true",
                    help="check the files that file-written entries list")
    ap.add_argument("transcript")
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code else EXIT_OK

    keys, witnesses = [], []
    try:
        # Usage errors, before the transcript is read.
        if len(a.key) > MAX_KEYS or len(a.witness) > MAX_KEYS:
            raise ValueError("at most %d --key and %d --witness"
                             % (MAX_KEYS, MAX_KEYS))
        for k in a.key:
            k = parse_vkey(k)
            if k.type != KEY_ED25519:
                raise ValueError("--key takes a ceremony key, of type 0x01")
            keys.append(k)
        for k in a.witness:
            w = parse_vkey(k)
            if w.type != KEY_COSIGNATURE_V1:
                raise ValueError("--witness takes a witness key, of type "
                                 "0x04")
            witnesses.append(w)
        root = parse_root(a.expect_root) if a.expect_root else None
    except ValueError as e:
        sys.stderr.write("verify-transcript: %s\n" % e)
        return EXIT_USAGE

    try:
        world = load_world(a.world) if a.world else None
        try:
            st = os.lstat(a.transcript)
        except OSError as e:
            raise Fail("cannot read %s: %s" % (a.transcript, e.strerror))
        if not stat.S_ISREG(st.st_mode):
            raise Bad("%s is not a regular file" % a.transcript)
        if st.st_size > MAX_FILE:
            raise Bad("the transcript is larger than 64 MiB")
        try:
            with open(a.transcript, "rb") as f:
                raw = f.read(MAX_FILE + 1)
        except OSError as e:
            raise Fail("cannot read %s: %s" % (a.transcript, e.strerror))
        if len(raw) > MAX_FILE:
            raise Bad("the transcript is larger than 64 MiB")
        code, r = verify(raw, keys, world, witnesses, root, a.check_files)
    except Bad as e:
        if e.line is None:
            print("BAD: %s" % e.why)
        else:
            print("BAD: line %d: %s" % (e.line, e.why))
        return EXIT_BAD
    except Fail as e:
        sys.stderr.write("verify-transcript: %s\n" % e)
        return EXIT_FAIL

    files = ""
    if a.check_files:
        files = "\nfiles: %d match, %d not present" % (r.files_match,
                                                       r.files_absent)
    if code == EXIT_UNSEALED:
        print("UNSEALED: transcript of ceremony %s is intact up to the "
              "checkpoint at entry %d of %d, but it was not sealed"
              % (r.ceremony, r.last_size, r.entries))
        print("last checkpoint root %s" % b64(r.last_root))
        return code
    summary = ("transcript of ceremony %s: %d entries, %d checkpoints, "
               "%d segment(s), sealed" % (r.ceremony, r.entries,
                                          r.checkpoints, r.segments))
    if code == EXIT_UNANCHORED:
        print("UNANCHORED: %s, but the ceremony key of segment %d is "
              "neither given with --key nor bound to the world given"
              % (summary, r.unanchored))
        print("final root %s" % b64(r.last_root))
        return code
    print("OK: %s" % summary)
    print("final root %s%s" % (b64(r.last_root), files))
    if r.witnesses:
        print("cosigned by %d witness(es)" % r.witnesses)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
