namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>The usual fine-tuning learning rates of a model family, with where they come from (a paper or a library's
/// documented recipe). A prior, not a law: it says what usually works, so a run far above it needs a reason.</summary>
/// <param name="Id">The family as an id token (<c>bert-like-encoder</c>, <c>causal-lm</c>, <c>lora-adapter</c>, ...).</param>
/// <param name="Family">The family in words, for titles.</param>
/// <param name="Low">Lower end of the usual range.</param>
/// <param name="High">Upper end of the usual range.</param>
/// <param name="Source">Where the range comes from: the address of the paper or documentation page (without the scheme);
/// the rule pages (docs/rules/RL0201.md, RL0202.md) cite each in full.</param>
public sealed record LearningRatePrior(string Id, string Family, double Low, double High, string Source)
{
    private static readonly LearningRatePrior Encoder = new("bert-like-encoder", "BERT-like encoder", 1e-5, 5e-5, "arxiv.org/abs/1810.04805");

    private static readonly LearningRatePrior CausalLm = new("causal-lm", "causal LM (full fine-tuning)", 1e-5, 5e-5, "arxiv.org/abs/2307.09288");

    private static readonly LearningRatePrior Lora = new("lora-adapter", "LoRA adapter", 1e-4, 5e-4, "arxiv.org/abs/2106.09685");

    private static readonly LearningRatePrior T5 = new("t5", "T5", 1e-4, 1e-3, "huggingface.co/docs/transformers/model_doc/t5");

    private static readonly LearningRatePrior Whisper = new("whisper", "Whisper", 5e-6, 5e-5, "huggingface.co/blog/fine-tune-whisper");

    private static readonly LearningRatePrior Vit = new("vit-like-encoder", "ViT-like image encoder (AdamW)", 1e-5, 1e-4, "huggingface.co/docs/transformers/tasks/image_classification");

    private static readonly Dictionary<string, LearningRatePrior> ByModelType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bert"] = Encoder, ["roberta"] = Encoder, ["distilbert"] = Encoder, ["albert"] = Encoder, ["electra"] = Encoder,
        ["deberta"] = Encoder, ["deberta-v2"] = Encoder, ["xlm-roberta"] = Encoder, ["camembert"] = Encoder, ["mpnet"] = Encoder,
        ["modernbert"] = Encoder,
        ["gpt2"] = CausalLm, ["gpt_neo"] = CausalLm, ["gptj"] = CausalLm, ["gpt_neox"] = CausalLm, ["llama"] = CausalLm,
        ["mistral"] = CausalLm, ["mixtral"] = CausalLm, ["qwen2"] = CausalLm, ["qwen3"] = CausalLm, ["gemma"] = CausalLm,
        ["gemma2"] = CausalLm, ["phi"] = CausalLm, ["phi3"] = CausalLm, ["falcon"] = CausalLm, ["opt"] = CausalLm, ["bloom"] = CausalLm,
        ["t5"] = T5, ["mt5"] = T5, ["umt5"] = T5,
        ["whisper"] = Whisper,
        ["vit"] = Vit, ["deit"] = Vit, ["beit"] = Vit, ["swin"] = Vit,
    };

    /// <summary>The prior for a run's config: a LoRA adapter (<c>adapter.peft_type</c>) first, else the model's
    /// <c>model_type</c> (from its config.json); null when neither is known, or for a ViT trained with SGD.</summary>
    public static LearningRatePrior? For(Model.RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Get("adapter.peft_type") is { } peft && string.Equals(peft.Text, "LORA", StringComparison.OrdinalIgnoreCase))
        {
            return Lora;
        }

        var type = (config.Get("model.model_type") ?? config.Get("model_type"))?.Text;
        if (type is null || !ByModelType.TryGetValue(type, out var prior))
        {
            return null;
        }

        var optim = (config.Get("optim") ?? config.Get("optimizer"))?.Text ?? "";
        return prior == Vit && optim.Contains("sgd", StringComparison.OrdinalIgnoreCase) ? null : prior;
    }
}
