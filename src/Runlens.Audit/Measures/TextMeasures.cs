using Microsoft.ML.Tokenizers;

namespace Runlens.Audit.Measures;

/// <summary>Token counts with the GPT-2 byte-pair encoding (Microsoft.ML.Tokenizers with its bundled GPT-2 data): the
/// tokenizer most text limits are stated in, and close to BERT's WordPiece counts for English.</summary>
internal static class TextMeasures
{
    private static readonly Lazy<Tokenizer> Gpt2 = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    public static int Tokens(string text) => text.Length == 0 ? 0 : Gpt2.Value.CountTokens(text);
}
