"""Build a tiny random-weight Argos package offline (test fixture, useless for quality).

SentencePiece model trained on a few domain sentences -> a small Marian configuration with random
weights (transformers) -> CTranslate2 conversion -> `.argosmodel` zip (metadata.json, model/,
sentencepiece.model), exactly the layout Argos Translate installs.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

CORPUS = [
    "Le travailleur détaché reste affilié au régime français de sécurité sociale pendant 24 mois.",
    "The posted worker remains insured under the French social security scheme for 24 months.",
    "Le formulaire A1 est délivré par la CPAM, l'URSSAF ou la MSA selon le régime.",
    "Form A1 is issued by the CPAM, URSSAF or MSA depending on the scheme.",
    "Bonjour Madame, nous avons bien reçu votre lettre du 12 mars 2024 et votre demande de maintien d'affiliation.",
    "Dear Madam, we have received your letter of 12 March 2024 and your request for continued affiliation.",
    "Conformément à l'article 12 du règlement (CE) n° 883/2004, la législation applicable reste française.",
    "In accordance with Article 12 of Regulation (EC) No 883/2004, the applicable legislation remains French.",
    "Veuillez agréer nos salutations distinguées. Le CLEISS, organisme de liaison, 11 rue de la Tour des Dames.",
    "Yours faithfully. CLEISS, liaison body, 11 rue de la Tour des Dames, Paris.",
    "Der entsandte Arbeitnehmer bleibt in Frankreich versichert. El trabajador desplazado sigue asegurado.",
    "0123456789 €$%&()[]{}«»“”'’-–—:;,.!?/ @#*+=<>|_ ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜàâäçéèêëîïôöùûüœæ",
]


def build_argos_package(workdir: Path, from_code: str = "fr", to_code: str = "en", *, seed: int = 0,
                        d_model: int = 32, layers: int = 1, corpus: list[str] | None = None,
                        vocab_size: int = 400) -> Path:
    """Return the path of a freshly built `translate-<from>_<to>-tiny.argosmodel` in `workdir`.
    `corpus`/`vocab_size`/`d_model`/`layers` let the benchmark build a model of realistic size and
    tokenisation (still random weights)."""
    import sentencepiece as spm
    import torch
    from ctranslate2.converters import TransformersConverter
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    workdir.mkdir(parents=True, exist_ok=True)
    corpus_file = workdir / "corpus.txt"
    corpus_file.write_text("\n".join(corpus or CORPUS * 10), "utf-8")
    prefix = workdir / "sp"
    spm.SentencePieceTrainer.train(
        input=str(corpus_file), model_prefix=str(prefix), vocab_size=vocab_size, character_coverage=1.0, model_type="unigram",
        minloglevel=2, bos_id=-1, eos_id=1, unk_id=2, pad_id=0, hard_vocab_limit=False, byte_fallback=False)
    processor = spm.SentencePieceProcessor(model_file=str(prefix) + ".model")
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size()) if processor.id_to_piece(i) != "<pad>"]
    pieces.append("<pad>")  # Marian convention: <pad> last (the converter drops it)
    vocab = {piece: i for i, piece in enumerate(pieces)}
    hf = workdir / "hf"
    hf.mkdir(exist_ok=True)
    (hf / "vocab.json").write_text(json.dumps(vocab), "utf-8")
    shutil.copy(str(prefix) + ".model", hf / "source.spm")
    shutil.copy(str(prefix) + ".model", hf / "target.spm")
    torch.manual_seed(seed)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=max(2, d_model // 64), decoder_attention_heads=max(2, d_model // 64), encoder_ffn_dim=d_model * 2,
        decoder_ffn_dim=d_model * 2, max_position_embeddings=512, pad_token_id=vocab["<pad>"],
        eos_token_id=vocab["</s>"], decoder_start_token_id=vocab["<pad>"], forced_eos_token_id=vocab["</s>"],
        scale_embedding=True, share_encoder_decoder_embeddings=True)
    MarianMTModel(config).save_pretrained(hf)
    MarianTokenizer(vocab=str(hf / "vocab.json"), source_spm=str(hf / "source.spm"),
                    target_spm=str(hf / "target.spm")).save_pretrained(hf)
    name = f"translate-{from_code}_{to_code}-tiny"
    package = workdir / "pkg" / name
    if package.exists():
        shutil.rmtree(package)
    package.mkdir(parents=True)
    TransformersConverter(str(hf)).convert(str(package / "model"), quantization="int8", force=True)
    shutil.copy(str(prefix) + ".model", package / "sentencepiece.model")
    (package / "metadata.json").write_text(json.dumps({
        "package_version": "0.0.1-test", "argos_version": "1.9.0", "from_code": from_code, "to_code": to_code,
        "from_name": from_code, "to_name": to_code, "type": "translate",
        "links": [], "note": "random weights, built offline for tests"}), "utf-8")
    archive = workdir / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(package.rglob("*")):
            zf.write(path, path.relative_to(package.parent).as_posix())
    return archive
