"""Transformer lab: the notes' transformer block by block, every modern choice a switch."""

import streamlit as st

from lib.device import pick_device
from lib.transformer import CharTokenizer, ModelConfig
from pages._common import global_seed, lib_call, note, page_header, prose, selected_device
from pages.transformer import inputs, model
from pages.transformer.ablation import ablation_section
from pages.transformer.all_heads import all_heads_section
from pages.transformer.attention import attention_section
from pages.transformer.cost import cost_section
from pages.transformer.lens import lens_section
from pages.transformer.norms import norms_section
from pages.transformer.positions import positions_section
from pages.transformer.shapes import shapes_section
from pages.transformer.stepper import stepper_section
from runtime.model_cache import trained_checkpoint
from runtime.worker import ModelSource

page_header(
    "Transformer lab",
    "Type a sentence and follow it through a small decoder-only transformer: characters become token ids, "
    "vectors, queries, keys and values, attention maps and logits. Every choice the notes discuss is a "
    "switch: GELU or SwiGLU, LayerNorm or RMSNorm, pre- or post-norm, sinusoidal, learned or rotary "
    "positions, softmax or linear attention, causal mask on or off. The weights are a random "
    "initialisation from the sidebar's seed (the shapes, counts and costs are exact and the maps show what an "
    "untrained model does), or the tiny GPT trained on Python's standard library on the Sampling temperature "
    "page, to see what training changes: the next-character guess, the loss on your text and the maps.",
)
with note():
    prose(model.__file__, "note.md")

# Every tab reads the same model: the device, the text, the weights and the switches are chosen once, here.
device_name = lib_call(pick_device, selected_device())
if device_name is None:
    st.stop()
device = str(device_name)
seed = global_seed()
checkpoint = trained_checkpoint()
text, weights = inputs.text_and_weights(checkpoint)
trained = None
if weights == inputs.WEIGHTS[1] and checkpoint is None:
    inputs.explain_missing_checkpoint()
elif weights == inputs.WEIGHTS[1]:
    trained = model.trained_info(str(checkpoint), checkpoint.stat().st_mtime)
fixed = trained.config if trained else None  # trained weights fix the architecture
settings = inputs.architecture_switches(fixed)

if not text:
    st.error("The text is empty: type at least one character.", icon=":material/error:")
    st.stop()
if trained:
    config, tokenizer, metrics = trained.config, trained.tokenizer, trained.metrics
    ids = lib_call(tokenizer.encode, text)
    if ids is None:
        st.stop()
    if len(ids) > config.max_seq_len:
        st.error(
            f"The trained tiny GPT reads at most {config.max_seq_len} characters; this text has {len(ids)}. "
            "Shorten it, or pick the random weights (up to 256).",
            icon=":material/error:",
        )
        st.stop()
    source = ModelSource(device=device, path=str(checkpoint), modified=checkpoint.stat().st_mtime)
else:
    metrics = None
    tokenizer = CharTokenizer.from_text(text)
    ids = tokenizer.encode(text)
    config = lib_call(ModelConfig, vocab_size=tokenizer.vocab_size, max_seq_len=inputs.MAX_TOKENS, **settings)
    if config is None:
        st.stop()
    source = ModelSource(device=device, config=config, vocabulary=tokenizer.vocabulary, seed=seed)
ids = tuple(ids)
code = model.model_code(text, config, seed, trained=metrics is not None)  # each tab's snippet starts with it
model.summary(ids, tokenizer, config, device, trained=metrics is not None)

# Only the open tab runs (lazy tabs bound to the URL): a slider move redraws its charts, not all of them.
# Each tab is a fragment: its own widgets rerun that tab alone.
TABS = ["Attention", "All heads", "Logit lens", "Head ablation", "Generation stepper", "Shapes and parameters"]
attention_tab, heads_tab, lens_tab, ablation_tab, stepper_tab, shapes_tab, positions_tab, norms_tab, cost_tab = st.tabs(
    [*TABS, "Positions", "Norms and depth", "Cost on this device"],
    key="tl_section",
    default="Attention",
    bind="query-params",
)
with attention_tab:
    if attention_tab.open:
        attention_section(source, text, ids, tokenizer.vocabulary, config, metrics, code)
with heads_tab:
    if heads_tab.open:
        all_heads_section(source, text, ids, tokenizer.vocabulary, code)
with lens_tab:
    if lens_tab.open:
        lens_section(source, ids, tokenizer.vocabulary, code)
with ablation_tab:
    if ablation_tab.open:
        ablation_section(source, ids, tokenizer.vocabulary, config, code)
with stepper_tab:
    if stepper_tab.open:
        stepper_section(source, text, ids, tokenizer.vocabulary, config, code)
with shapes_tab:
    if shapes_tab.open:
        shapes_section(config, len(ids), code)
with positions_tab:
    if positions_tab.open:
        positions_section(config.d_model, config.head_size, seed)
with norms_tab:
    if norms_tab.open:
        norms_section(source, ids, tokenizer.vocabulary, config.norm, seed, device, code)
with cost_tab:
    if cost_tab.open:
        cost_section(source, config, len(ids), device, seed, code)
