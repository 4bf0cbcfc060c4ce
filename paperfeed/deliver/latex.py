"""Turn the LaTeX found in paper titles and abstracts into readable plain Unicode text.

This is not a LaTeX renderer: it covers what arXiv metadata actually holds (inline math
with Greek letters and common symbols, font commands, accents, escaped characters) and
leaves everything else readable rather than exact.
"""

from __future__ import annotations

import re
import unicodedata

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip

_SYMBOLS = {
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠",
    "approx": "≈", "sim": "~", "simeq": "≃", "equiv": "≡", "propto": "∝",
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "infty": "∞",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "leftrightarrow": "↔", "Leftrightarrow": "⇔", "mapsto": "↦",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
    "supseteq": "⊇", "cup": "∪", "cap": "∩", "emptyset": "∅", "varnothing": "∅",
    "forall": "∀", "exists": "∃", "neg": "¬", "wedge": "∧", "land": "∧", "vee": "∨",
    "lor": "∨", "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇",
    "ell": "ℓ", "hbar": "ℏ", "ll": "≪", "gg": "≫", "circ": "∘", "ast": "∗",
    "star": "⋆", "dagger": "†", "langle": "⟨", "rangle": "⟩", "lfloor": "⌊",
    "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "ldots": "…", "cdots": "⋯", "dots": "…",
    "sqrt": "√", "prime": "′", "top": "⊤", "perp": "⊥", "mid": "|", "vert": "|",
    "Vert": "‖", "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı",
    "S": "§", "P": "¶", "copyright": "©", "textasciitilde": "~", "textbackslash": "\\",
    "textless": "<", "textgreater": ">", "textbar": "|", "textendash": "–",
    "textemdash": "—", "LaTeX": "LaTeX", "TeX": "TeX", "quad": " ", "qquad": " ",
    "newline": " ", "par": " ",
}  # fmt: skip

# Commands that only change the look of their argument: dropped, the argument stays.
_DROPPED_NAMES = (
    "textbf textit textsc texttt textrm textsf textup textmd textnormal text emph mbox "
    "hbox underline mathrm mathbf mathit mathsf mathtt mathcal mathscr mathfrak mathnormal "
    "boldsymbol bm operatorname displaystyle textstyle scriptstyle left right big Big bigg "
    "Bigg bigl bigr Bigl Bigr biggl biggr limits nolimits rm bf it em sf tt sc url "
    "footnotesize small large Large tiny normalsize noindent xspace"
)
_DROPPED = frozenset(_DROPPED_NAMES.split())

_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "E": "𝔼"}

_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306",
    "H": "\u030b", "k": "\u0328", "r": "\u030a",
}  # fmt: skip

# Spacing commands and the line break become a space; ``\|`` is the norm bars.
_ESCAPED = {
    "\\": " ",
    ",": " ",
    ";": " ",
    ":": " ",
    " ": " ",
    "\n": " ",
    "\t": " ",
    "!": "",
    "|": "‖",
}

_SUPERSCRIPT = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")

_SYMBOL_ACCENT = re.compile(r"""\\(['`^"~=.])\s*(?:\{\s*(\\i|[A-Za-z])\s*\}|(\\i|[A-Za-z]))""")
_LETTER_ACCENT = re.compile(r"\\([cvuHkr])\s*\{\s*(\\i|[A-Za-z])\s*\}")
_DROPPED_WITH_ARGUMENT = re.compile(r"\\(?:cite[pt]?|ref|eqref|label|footnote)\s*\{[^{}]*\}")
_HREF = re.compile(r"\\href\s*\{[^{}]*\}\s*\{([^{}]*)\}")
_MATHBB = re.compile(r"\\mathbb\s*\{\s*([A-Za-z])\s*\}")
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_SCRIPT = re.compile(r"([\^_])\s*(?:\{([^{}]*)\}|([0-9A-Za-z]))")
_MATH_DELIMITER = re.compile(r"(?<!\\)\$\$?|\\[()\[\]]")
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|[{}]", re.DOTALL)
_SIMPLE = re.compile(r"[\w.]+")


def latex_to_text(text: str) -> str:
    """Readable plain text for a title or abstract written with bits of LaTeX.

    ``$\\alpha$-divergence`` becomes ``α-divergence``, ``\\textbf{Fast}`` becomes ``Fast``;
    math delimiters and grouping braces go, escaped characters (``\\%``, ``\\&``) stay,
    and runs of whitespace (line breaks included) collapse to one space.
    """
    if not text:
        return ""
    text = _SYMBOL_ACCENT.sub(_accent, text)
    text = _LETTER_ACCENT.sub(_accent, text)
    text = _HREF.sub(r"\1", _DROPPED_WITH_ARGUMENT.sub("", text))
    text = _MATHBB.sub(lambda m: _BLACKBOARD.get(m.group(1), m.group(1)), text)
    text = _FRAC.sub(_fraction, text)
    text = _convert_math_scripts(text)
    text = _TOKEN.sub(_token, text)
    text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    return " ".join(text.split())


def _accent(match: re.Match[str]) -> str:
    letter = next(g for g in match.groups()[1:] if g)
    base = "i" if letter == "\\i" else letter
    return unicodedata.normalize("NFC", base + _ACCENTS[match.group(1)])


def _fraction(match: re.Match[str]) -> str:
    parts = [p.strip() for p in match.groups()]
    shown = [p if _SIMPLE.fullmatch(p) else f"({p})" for p in parts]
    return "/".join(shown)


def _convert_math_scripts(text: str) -> str:
    """Turn ``x^{2}`` / ``x_1`` into ``x²`` / ``x₁`` inside math, and drop the delimiters."""
    pieces = _MATH_DELIMITER.split(text)
    if len(pieces) % 2 == 0:  # an unclosed "$": the tail is text, not math
        pieces[-2:] = [pieces[-2] + "$" + pieces[-1]]
    return "".join(
        _SCRIPT.sub(_script, piece) if index % 2 else piece for index, piece in enumerate(pieces)
    )


def _script(match: re.Match[str]) -> str:
    marker, body = match.group(1), (match.group(2) or match.group(3) or "").strip()
    table = _SUPERSCRIPT if marker == "^" else _SUBSCRIPT
    converted = body.translate(table)
    if all(ord(c) > 127 for c in converted):
        return converted
    return f"{marker}{body}" if body.isalnum() else f"{marker}({body})"


def _token(match: re.Match[str]) -> str:
    name, escaped = match.group(1), match.group(2)
    if name is not None:
        if name in _DROPPED:
            return ""
        return _GREEK.get(name) or _SYMBOLS.get(name) or name
    if escaped is not None:
        return _ESCAPED.get(escaped, escaped)
    return ""  # a grouping brace
