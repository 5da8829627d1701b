"""Translation quality: BLEU and chrF (sacrebleu) of each installed engine, through the whole
pipeline (segmentation, glossary, checks), on the dev halves of FLORES-200 (fr<->en) and WMT14
newstest (fr<->en), with the published reference points of ../shared/evals/mt_reference_scores.json
printed beside; plus glossary adherence on domain sentences of ../shared/corpus and how many
changed numbers the quality checks caught (confirmed against the human reference).

    python -m evals.translation [--engines auto|argos,llm] [--limit-flores 200] [--limit-wmt 200]
                                [--glossary-sentences 40] [--out evals/results/translation.json]

Engines that are not installed are reported as such (no Argos language package ships in any
registry reachable here; the llm engine needs `make install-llm` or LIAISON_LLM_URL). Results are
written after every block, so a long run that is interrupted keeps what it measured.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from evals.common import RESULTS, SHARED, save_json

EVALS = SHARED / "evals"
DATASETS = {
    "flores200_dev": {"dir": EVALS / "flores200_devtest_mt" / "dev", "fr": "fra_Latn.txt", "en": "eng_Latn.txt",
                      "reference_key": "flores-test"},
    "wmt14_dev": {"dir": EVALS / "wmt14_newstest_fr_en" / "dev", "fr": "newstest2014.fra.txt",
                  "en": "newstest2014.eng.txt", "reference_key": "wmt14"},
}


def reference_points(direction: str, key: str) -> dict:
    data = json.loads((EVALS / "mt_reference_scores.json").read_text("utf-8"))
    points = {}
    for system, scores in data["mozilla_firefox_translations_eval"]["scores"].get(direction, {}).get(key, {}).items():
        points[system] = {"BLEU": scores.get("BLEU")}
    if key == "flores-test":
        leaderboard = data["opus_mt_leaderboard"]["scores"].get("fra-eng" if direction == "fr-en" else "eng-fra", {})
        for system, scores in leaderboard.items():
            points[f"opus-mt-leaderboard: {system}"] = {
                "BLEU": scores.get("BLEU"), "chrF": round(scores["chrF"] * 100, 1) if scores.get("chrF") else None}
    return points


def available_engines(settings, wanted: list[str]) -> dict[str, str | None]:
    """engine -> None when usable for fr<->en, else why not."""
    from translation.engines import build_engine

    status = {}
    for name in wanted:
        engine = build_engine(name, settings)
        reasons = [engine.unsupported_reason(s, t) for s, t in (("fr", "en"), ("en", "fr"))]
        status[name] = next((r for r in reasons if r), None)
    return status


def _digits_list(text: str) -> list[str]:
    return re.findall(r"\d+", text.replace("\u202f", "").replace("\u00a0", ""))


def evaluate_block(translator, engine: str, sources: list[str], references: list[str], source: str, target: str,
                   *, progress_label: str) -> dict:
    import sacrebleu

    outputs, flags, seconds = [], [], 0.0
    words = sum(len(s.split()) for s in sources)
    started = time.perf_counter()
    for index, sentence in enumerate(sources):
        result = translator.translate_texts([sentence], target, source=source, engine=engine)[0]
        outputs.append(result.text)
        flags.append([f.code for f in result.flags])
        if (index + 1) % 20 == 0 or index + 1 == len(sources):
            elapsed = time.perf_counter() - started
            print(f"  {progress_label}: {index + 1}/{len(sources)} sentences, {elapsed:.0f} s", flush=True)
    seconds = time.perf_counter() - started
    bleu = sacrebleu.corpus_bleu(outputs, [references])
    chrf = sacrebleu.corpus_chrf(outputs, [references])
    flagged_numbers = confirmed = 0
    for src, out, ref, codes in zip(sources, outputs, references, flags):
        if "number_changed" in codes:
            flagged_numbers += 1
            # A real error when the reference keeps a source number the output lost.
            missing = [d for d in _digits_list(src) if d not in _digits_list(out)]
            if any(d in _digits_list(ref) for d in missing):
                confirmed += 1
    counts: dict[str, int] = {}
    for codes in flags:
        for code in set(codes):
            counts[code] = counts.get(code, 0) + 1
    return {
        "sentences": len(sources), "source_words": words, "seconds": round(seconds, 1),
        "words_per_s": round(words / seconds, 2) if seconds else None,
        "BLEU": round(bleu.score, 2), "chrF": round(chrf.score, 2), "bleu_signature": str(bleu.format(signature=True).split(" = ")[0]),
        "segments_flagged": counts,
        "number_changes_flagged": flagged_numbers, "number_changes_confirmed_by_reference": confirmed,
        "examples": [{"source": s, "output": o, "reference": r, "flags": f}
                     for s, o, r, f in list(zip(sources, outputs, references, flags))[:5]],
    }


def domain_sentences(source: str, limit: int, glossary) -> list[str]:
    """Sentences of the shared corpus, in `source`, holding a forced glossary pair (not only codes)."""
    from translation.detect import detect_one
    from translation.segments import split_sentences

    found: list[str] = []
    roots = [SHARED / "corpus"]
    for path in sorted(p for root in roots for p in root.rglob("*") if p.suffix in (".md", ".txt", ".html", ".json")
                       and p.stem.upper() not in ("README", "MANIFEST")):
        try:
            text = path.read_text("utf-8", errors="ignore")
        except OSError:
            continue
        text = re.sub(r"<[^>]+>", " ", text)
        text = re.sub(r"\\n|\\\"", " ", text)
        for paragraph in re.split(r"\n\s*\n|\"\s*[,}]\s*\"", text):
            paragraph = re.sub(r"\s+", " ", paragraph).strip()
            for a, b in split_sentences(paragraph, source):
                sentence = paragraph[a:b]
                if not 60 <= len(sentence) <= 260 or sentence in found:
                    continue
                # Prose only: a capitalised sentence ending with a full stop, no tables or paths.
                if not (sentence[0].isupper() and sentence.endswith(".")) or "|" in sentence or sentence.count("/") > 1:
                    continue
                if not any(not m.term.dnt for m in glossary.find(sentence)):
                    continue
                detected = detect_one(sentence, (source, "en" if source == "fr" else "fr", "de", "es"))
                if detected and detected.language == source and detected.confidence > 0.8:
                    found.append(sentence)
                    if len(found) >= limit:
                        return found
    return found


def glossary_adherence(translator, engine_name: str, source: str, target: str, sentences: list[str]) -> dict:
    """Share of forced terms present in the engine's raw output, then after enforcement."""
    from translation.engines import select_engine

    glossary = translator.glossary(source, target)
    engine = select_engine(engine_name, translator.settings, source, target, cache=translator._engines)
    expected = raw_ok = enforced_ok = 0
    examples = []
    started = time.perf_counter()
    for sentence in sentences:
        matches = glossary.find(sentence)
        if engine.glossary_mode == "inline":
            raw = engine.translate([glossary.protect(sentence, matches)], source, target)[0]
        else:
            raw = engine.translate([sentence], source, target, [glossary.hints(matches)])[0]
        enforced, missing = glossary.enforce(raw, matches)
        forced = [m for m in matches if not m.term.dnt]
        expected += len(forced)
        raw_ok += sum(1 for m in forced if _present(raw, m))
        enforced_ok += sum(1 for m in forced if m not in missing)
        if len(examples) < 5:
            examples.append({"source": sentence, "raw": raw, "enforced": enforced,
                             "terms": [f"{m.text} -> {m.expected}" for m in forced]})
    return {"sentences": len(sentences), "forced_terms": expected,
            "adherence_engine_output": round(raw_ok / expected, 3) if expected else None,
            "adherence_after_enforcement": round(enforced_ok / expected, 3) if expected else None,
            "seconds": round(time.perf_counter() - started, 1), "examples": examples}


def _present(text: str, match) -> bool:
    from translation.glossary import _contains

    return _contains(text, match.term.target) or any(_contains(text, alt) for alt in match.term.accept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="auto", help="auto (every installed engine) or a list: argos,llm")
    parser.add_argument("--limit-flores", type=int, default=200, help="sentences per direction (dev has 506)")
    parser.add_argument("--limit-wmt", type=int, default=200, help="sentences per direction (dev has 1501)")
    parser.add_argument("--glossary-sentences", type=int, default=40)
    parser.add_argument("--parts", default="scores,glossary",
                        help="what to run: scores (test sets), glossary (adherence on corpus sentences), or both")
    parser.add_argument("--out", type=Path, default=RESULTS / "translation.json")
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if not parts or parts - {"scores", "glossary"}:
        parser.error(f"--parts: choose among scores, glossary (got {args.parts!r})")

    import liaison  # noqa: F401
    from liaison.settings import Settings
    from translation.pipeline import Translator

    work = Path(tempfile.mkdtemp(prefix="eval-translation-"))
    # Fresh data dir: no memory reuse between sentences of the test sets.
    settings = Settings(data_dir=work, translation_llm_fallback=False).ensure_dirs()
    wanted = ["argos", "llm"] if args.engines == "auto" else [e.strip() for e in args.engines.split(",")]
    status = available_engines(settings, wanted)
    results: dict = {"engines": {name: ("available" if reason is None else f"not run: {reason}")
                                 for name, reason in status.items()},
                     "settings": {"limit_flores": args.limit_flores, "limit_wmt": args.limit_wmt,
                                  "llm_threads": settings.llm_threads, "llm_url": bool(settings.llm_url)},
                     "scores": {}, "glossary": {}, "reference_points": {}}
    if parts != {"scores", "glossary"} and args.out.exists():
        # A partial run keeps the other part's earlier results (the two take hours together on 2 cores).
        previous = json.loads(args.out.read_text("utf-8"))
        for part in {"scores", "glossary"} - parts:
            results[part] = previous.get(part, {})
        results["settings"] = {**previous.get("settings", {}), **results["settings"]}
    for name, reason in status.items():
        print(f"engine {name}: " + ("available" if reason is None else f"NOT RUN ({reason})"))
    translator = Translator(settings)
    for dataset, spec in DATASETS.items():
        for direction in ("fr-en", "en-fr"):
            results["reference_points"][f"{dataset} {direction}"] = reference_points(direction, spec["reference_key"])
        if "scores" not in parts:
            continue
        limit = args.limit_flores if dataset.startswith("flores") else args.limit_wmt
        lines = {lang: (spec["dir"] / spec[lang]).read_text("utf-8").splitlines() for lang in ("fr", "en")}
        for source, target in (("fr", "en"), ("en", "fr")):
            direction = f"{source}-{target}"
            pairs = [(s, r) for s, r in zip(lines[source], lines[target]) if s.strip() and r.strip()][:limit]
            for name, reason in status.items():
                if reason is not None or not pairs:
                    continue
                label = f"{name} {dataset} {direction}"
                print(f"{label}: {len(pairs)} sentences", flush=True)
                block = evaluate_block(translator, name, [p[0] for p in pairs], [p[1] for p in pairs], source, target,
                                       progress_label=label)
                results["scores"][label] = block
                save_json(results, args.out)
    for name, reason in status.items():
        if reason is not None or "glossary" not in parts:
            continue
        for source, target in (("fr", "en"), ("en", "fr")):
            glossary = translator.glossary(source, target)
            sentences = domain_sentences(source, args.glossary_sentences, glossary)
            if sentences:
                print(f"{name} glossary adherence {source}-{target}: {len(sentences)} corpus sentences", flush=True)
                results["glossary"][f"{name} {source}-{target}"] = glossary_adherence(translator, name, source, target,
                                                                                   sentences)
                save_json(results, args.out)
    save_json(results, args.out)
    print_table(results)
    print(f"results in {args.out}")
    return 0


def print_table(results: dict) -> None:
    print("\n| engine | set | direction | n | BLEU | chrF | words/s | number changes flagged (confirmed) | reference points (full test set, BLEU) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, block in results["scores"].items():
        name, dataset, direction = label.split(" ")
        refs = results["reference_points"].get(f"{dataset} {direction}", {})
        shown = ", ".join(f"{k} {v['BLEU']}" for k, v in refs.items()
                          if k in ("argos", "opusmt", "nllb") and v.get("BLEU") is not None)
        print(f"| {name} | {dataset} | {direction} | {block['sentences']} | {block['BLEU']} | {block['chrF']} | "
              f"{block['words_per_s']} | {block['number_changes_flagged']} ({block['number_changes_confirmed_by_reference']}) | {shown} |")
    for label, block in results["glossary"].items():
        print(f"glossary adherence {label}: {block['forced_terms']} forced terms in {block['sentences']} sentences; "
              f"engine output {block['adherence_engine_output']}, after enforcement {block['adherence_after_enforcement']}")
    for name, state in results["engines"].items():
        if state != "available":
            print(f"{name}: {state}")


if __name__ == "__main__":
    sys.exit(main())
