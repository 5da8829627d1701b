"""`liaison translate ...`: the translation desk on the command line (heavy imports stay in handlers).

    liaison translate FILE... --to fr [--from auto] [--engine argos|llm] [--glossary FILE] [--xliff] [-o OUT]
    liaison translate FILE --to fr --apply-xliff FILE.xlf [--by NAME]
    liaison translate text "..." --to en
    liaison translate models install FILE... | models fetch FROM TO | models list
    liaison translate memory import FILE.tmx|FILE.xlf | memory export -o FILE.tmx | memory stats
    liaison translate glossary check FILE --from fr --to en
    liaison translate detect "..."
    liaison translate purge
    liaison translate verify FILE...
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

MODES = ("text", "models", "memory", "glossary", "detect", "purge", "verify")
EPILOG = """modes (first word instead of a file):
  text "..."                  translate a text and print it
  models install FILE...      install Argos packages (.argosmodel) offline
  models fetch FROM TO        download a package from the Argos index (needs internet)
  models list                 installed packages and the pairs they give (pivot via English)
  memory import FILE          TMX, or a post-edited XLIFF (segments confirmed --by NAME)
  memory export -o FILE       TMX (--from/--to to restrict, --include-machine)
  memory stats                entries per pair and origin
  glossary check FILE         validate a TSV/TBX glossary (--from/--to)
  detect "..."                language of a text, with confidence
  purge                       delete jobs past retention and old unconfirmed machine output
  verify FILE...              check a certified translation (DOCX/PDF) against its certificate
                              (reference number and SHA-256); exit 1 when modified or unknown
A file literally named like a mode: write ./text."""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "translate", help="translate documents offline (glossary, memory, quality flags)",
        description="Pre-translate documents (TXT, Markdown, HTML, DOCX, PDF->DOCX) offline, keeping their layout; "
        "applies the glossary, reuses the translation memory and writes a report of the segments to review.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("items", nargs="+", metavar="FILE", help="documents to translate (or a mode, see below)")
    parser.add_argument("--to", dest="target", help="target language (ISO 639-1, e.g. fr, en)")
    parser.add_argument("--from", dest="source", default="auto", help="source language (default: auto-detect)")
    parser.add_argument("--engine", default=None, choices=("auto", "argos", "llm"),
                        help="translation engine (default: LIAISON_TRANSLATION_ENGINE, auto)")
    parser.add_argument("--glossary", action="append", default=[], metavar="FILE",
                        help="extra glossary (TSV or TBX), may be repeated")
    parser.add_argument("--xliff", action="store_true", help="also write an XLIFF file for CAT tools")
    parser.add_argument("--xliff-version", choices=("2.0", "1.2"), default="2.0")
    parser.add_argument("--apply-xliff", metavar="FILE.xlf",
                        help="rebuild the document with a post-edited XLIFF exported for it (one input): the "
                        "translator's text and inline formatting are applied, confirmed segments go to the memory "
                        "(--by NAME); refused whole if it was exported for another document or version")
    parser.add_argument("-o", "--output", help="output file (one input) or directory")
    parser.add_argument("--by", help="translator name recorded for confirmed segments (memory import)")
    parser.add_argument("--include-machine", action="store_true", help="memory export: include unconfirmed machine output")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--data-dir")
    parser.set_defaults(func=_main)


def _error(message: str):
    from liaison.cli import CliError

    return CliError(message)


def _settings(args):
    from liaison.admin_cli import settings_from_args

    return settings_from_args(args)


def _main(args) -> int:
    first = args.items[0]
    if first in MODES and not Path(first).is_file():
        return {"text": _text, "models": _models, "memory": _memory, "glossary": _glossary, "detect": _detect,
                "purge": _purge, "verify": _verify}[first](args, args.items[1:])
    return _files(args, args.items)


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "cli"


def _translator(args):
    from translation.pipeline import Translator

    return Translator(_settings(args))


def _target(args) -> str:
    from translation.languages import UnknownLanguage, normalize_language

    if not args.target:
        raise _error("--to LANG is required (e.g. --to fr)")
    try:
        return normalize_language(args.target)
    except UnknownLanguage as exc:
        raise _error(str(exc)) from None


def _source(args) -> str:
    from translation.languages import UnknownLanguage, normalize_language

    try:
        return normalize_language(args.source, allow_auto=True)
    except UnknownLanguage as exc:
        raise _error(str(exc)) from None


def _xliff_to_apply(args, paths: list[Path]):
    """The parsed --apply-xliff file (checked against the document by the pipeline), or None."""
    if not args.apply_xliff:
        return None
    from translation.errors import TranslationError
    from translation.xliff import parse_xliff

    if len(paths) != 1:
        raise _error("--apply-xliff takes exactly one document")
    xliff_path = Path(args.apply_xliff)
    if not xliff_path.is_file():
        raise _error(f"{xliff_path}: file not found")
    try:
        return parse_xliff(xliff_path.read_bytes(), xliff_path.name)
    except TranslationError as exc:
        raise _error(str(exc)) from None


def _output_for(args, path: Path, count: int, target: str) -> Path | None:
    """-o names the output file (one input with a suffix) or a directory; None = next to the input."""
    if not args.output:
        return None
    out = Path(args.output)
    if count == 1 and not out.is_dir() and out.suffix:
        return out
    out.mkdir(parents=True, exist_ok=True)
    suffix = ".docx" if path.suffix.lower() == ".pdf" else path.suffix
    return out / f"{path.stem}.{target}{suffix}"


def _files(args, items: list[str]) -> int:
    from translation.errors import TranslationError
    from translation.pipeline import Control
    from translation.usage import record

    target, source = _target(args), _source(args)
    translator = _translator(args)
    settings = translator.settings
    engine = args.engine or settings.translation_engine
    glossaries = tuple(Path(g) for g in args.glossary)
    for glossary in glossaries:
        if not glossary.is_file():
            raise _error(f"glossary {glossary} not found")
    paths = [Path(item) for item in items]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise _error(f"file not found: {', '.join(missing)}")
    parsed_xliff = _xliff_to_apply(args, paths)
    failures = 0
    summaries = []
    for path in paths:
        out_path = _output_for(args, path, len(paths), target)
        bar = None
        show = not args.quiet and not args.json

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if not show:
                return
            if bar is None:  # created on the first report: no empty bar when a file fails to open
                from tqdm import tqdm

                bar = tqdm(total=total, unit="seg", desc=path.name[:30], file=sys.stderr, leave=True)
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            result = translator.translate_document(
                path, target, out=out_path, source=source, engine=engine, glossary_files=glossaries,
                xliff=args.xliff_version if args.xliff else None, progress=progress, control=Control(),
                xliff_import=parsed_xliff)
            if parsed_xliff is not None:
                from translation.xliff import import_xliff

                imported = import_xliff(translator.memory, None, by=args.by or _user(), parsed=parsed_xliff)
                print(f"{Path(args.apply_xliff).name}: {imported.confirmed} segments confirmed in the memory, "
                      f"{imported.not_reviewed} not reviewed", file=sys.stderr)
        except TranslationError as exc:
            if bar is not None:
                bar.close()
            failures += 1
            print(f"liaison translate: error: {exc}", file=sys.stderr)
            summaries.append({"file": str(path), "status": "failed", "error": str(exc)})
            continue
        if bar is not None:
            bar.close()
        stats = result.stats
        record(translator.db_url, principal_name=f"cli:{_user()}", channel="cli", source=result.source_lang,
               target=target, documents=1, segments=stats["segments"], words=stats["words"], chars=stats["chars"])
        if result.status != "done":
            failures += 1
        summaries.append({"file": str(path), "status": result.status, "output": str(result.output),
                          "report": str(result.report), "xliff": str(result.xliff) if result.xliff else None,
                          "source_lang": result.source_lang, "target_lang": target, "engine": result.engine,
                          "error": result.error, "note": result.note, "stats": stats})
        if not args.json:
            origins = stats["origins"]
            print(f"{path.name} -> {result.output} ({result.source_lang}->{target}, {result.engine}): "
                  f"{stats['segments']} segments, {origins.get('memory-exact', 0)} from memory, "
                  f"{origins.get('memory-fuzzy', 0)} fuzzy, {origins.get('memory-mt', 0)} earlier machine output, "
                  f"{stats['flagged_segments']} to review"
                  + (f"; {result.status}: {result.error}" if result.status != "done" else ""))
            if result.note:
                print(f"  note: {result.note}")
            if stats["flags"]:
                print("  flags: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["flags"].items())))
            print(f"  report: {result.report.with_suffix('').with_suffix('.report.md')}"
                  + (f"; XLIFF: {result.xliff}" if result.xliff else ""))
    if args.json:
        print(json.dumps(summaries, ensure_ascii=False, indent=1))
    return 1 if failures else 0


def _text(args, rest: list[str]) -> int:
    from translation.errors import TranslationError
    from translation.usage import record

    text = " ".join(rest) if rest else sys.stdin.read()
    if not text.strip():
        raise _error('nothing to translate: liaison translate text "..." --to en')
    target, source = _target(args), _source(args)
    translator = _translator(args)
    try:
        result = translator.translate_texts([text], target, source=source,
                                            engine=args.engine or translator.settings.translation_engine,
                                            glossary_files=tuple(Path(g) for g in args.glossary))[0]
    except TranslationError as exc:
        raise _error(str(exc)) from None
    record(translator.db_url, principal_name=f"cli:{_user()}", channel="cli",
           source=result.detected.language if result.detected else source, target=target,
           segments=len(result.segments), words=sum(len(s.source.split()) for s in result.segments), chars=len(text))
    if args.json:
        print(json.dumps({"translatedText": result.text,
                          "detectedLanguage": result.detected.to_libretranslate() if result.detected else None,
                          "flags": [f.to_public() for f in result.flags]}, ensure_ascii=False))
    else:
        print(result.text)
        for flag in result.flags:
            if flag.severity != "info":
                print(f"  [{flag.code}] {flag.message}", file=sys.stderr)
    return 0


def _models(args, rest: list[str]) -> int:
    from translation.engines.argos import ArgosEngine, fetch_package, install_package_file, packages_dir
    from translation.errors import TranslationError
    from translation.languages import UnknownLanguage, normalize_language

    settings = _settings(args)
    directory = packages_dir(settings)
    action = rest[0] if rest else "list"
    if action == "install":
        if len(rest) < 2:
            raise _error("models install FILE.argosmodel [FILE...]")
        for item in rest[1:]:
            try:
                package = install_package_file(Path(item), directory)
            except TranslationError as exc:
                raise _error(str(exc)) from None
            print(f"installed {package.from_code}->{package.to_code} ({package.version}) in {package.path}")
        return 0
    if action == "fetch":
        if len(rest) != 3:
            raise _error("models fetch FROM TO (e.g. models fetch fr en)")
        try:
            source, target = normalize_language(rest[1]), normalize_language(rest[2])
            package = fetch_package(source, target, directory, settings.translation_argos_index_url)
        except (TranslationError, UnknownLanguage) as exc:
            raise _error(str(exc)) from None
        print(f"installed {package.from_code}->{package.to_code} ({package.version}) in {package.path}")
        return 0
    if action == "list":
        engine = ArgosEngine(settings)
        packages = engine.packages()
        if args.json:
            print(json.dumps({"directory": str(directory), "packages": [p.to_public() for p in packages.values()],
                              "pairs": [f"{s}-{t}" for s, t in engine.pairs()]}))
            return 0
        print(f"Argos packages in {directory}:")
        if not packages:
            print("  none (install one with `liaison translate models install FILE.argosmodel`)")
        for package in packages.values():
            print(f"  {package.from_code}->{package.to_code}  version {package.version}  {package.path.name}")
        pairs = engine.pairs()
        if pairs:
            print("pairs: " + ", ".join(f"{s}->{t}" + (" (via en)" if len(engine.route(s, t)) == 2 else "")
                                        for s, t in pairs))
        return 0
    raise _error(f"unknown models action {action!r}; use install, fetch or list")


def _memory(args, rest: list[str]) -> int:
    from translation.errors import TranslationError

    action = rest[0] if rest else "stats"
    translator = _translator(args)
    memory = translator.memory
    if action == "import":
        if len(rest) < 2:
            raise _error("memory import FILE.tmx|FILE.xlf [--by NAME]")
        by = args.by or _user()
        for item in rest[1:]:
            path = Path(item)
            if not path.is_file():
                raise _error(f"{path}: file not found")
            try:
                if path.suffix.lower() in (".xlf", ".xliff"):
                    from translation.xliff import import_xliff

                    report = import_xliff(memory, path.read_bytes(), by=by, name=path.name).to_public()
                else:
                    from translation.tmx import import_tmx

                    source = None if args.source == "auto" else _source(args)
                    target = _target(args) if args.target else None
                    report = import_tmx(memory, path.read_bytes(), by=by, name=path.name, source_lang=source,
                                        target_lang=target).to_public()
            except TranslationError as exc:
                raise _error(str(exc)) from None
            print(json.dumps({"file": path.name, **report}, ensure_ascii=False))
        return 0
    if action == "export":
        from translation.tmx import export_tmx

        if not args.output:
            raise _error("memory export -o FILE.tmx [--from fr --to en] [--include-machine]")
        source = None if args.source == "auto" else _source(args)
        target = _target(args) if args.target else None
        data = export_tmx(memory, source, target, include_machine=args.include_machine)
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output} ({data.count(b'<tu ')} units)")
        return 0
    if action == "stats":
        print(json.dumps(memory.stats(), indent=1))
        return 0
    raise _error(f"unknown memory action {action!r}; use import, export or stats")


def _glossary(args, rest: list[str]) -> int:
    from translation.errors import GlossaryError
    from translation.glossary import load_glossary_file

    if len(rest) < 2 or rest[0] != "check":
        raise _error("glossary check FILE --from fr --to en")
    source = _source(args)
    if source == "auto":
        raise _error("--from is required to check a glossary")
    target = _target(args)
    for item in rest[1:]:
        try:
            glossary = load_glossary_file(item, source, target)
        except GlossaryError as exc:
            raise _error(str(exc)) from None
        dnt = sum(1 for t in glossary.terms.values() if t.dnt)
        print(f"{item}: {len(glossary)} terms ({dnt} do-not-translate, {len(glossary) - dnt} forced pairs): ok")
        for warning in glossary.warnings:
            print(f"  warning: {warning}", file=sys.stderr)
    return 0


def _detect(args, rest: list[str]) -> int:
    from translation.detect import detect

    text = " ".join(rest) if rest else sys.stdin.read()
    settings = _settings(args)
    found = detect(text, tuple(settings.translation_detect_languages))
    print(json.dumps([d.to_libretranslate() for d in found]))
    return 0


def _purge(args, rest: list[str]) -> int:
    from liaison.db import migrate
    from translation.jobs import purge_expired

    settings = _settings(args)
    url = settings.resolved_database_url
    migrate(url)
    count = purge_expired(settings, url)
    print(f"purged {count} expired job(s) and old unconfirmed machine output")
    return 0


def _verify(args, rest: list[str]) -> int:
    from liaison.db import migrate
    from translation.certify import verify_file

    if not rest:
        raise _error("verify FILE...: the certified translation(s) to check")
    settings = _settings(args)
    url = settings.resolved_database_url
    migrate(url)
    failures, results = 0, []
    for item in rest:
        path = Path(item)
        if not path.is_file():
            raise _error(f"{path}: file not found")
        outcome = verify_file(url, path)
        failures += not outcome.valid
        results.append({"file": str(path), **outcome.to_public()})
        if not args.json:
            print(f"{path.name}: {outcome.message}")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 1 if failures else 0
