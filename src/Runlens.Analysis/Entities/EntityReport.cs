using System.Collections.Immutable;

namespace Runlens.Analysis.Entities;

/// <summary>How entities are read from the tags.</summary>
public enum EntityMode
{
    /// <summary>seqeval's default (<c>mode=None</c>, conlleval-compatible): an <c>I-</c> without a <c>B-</c> starts an
    /// entity, E-/S- tags are understood, sentences are joined with an <c>O</c> between them.</summary>
    Default,

    /// <summary>seqeval's <c>mode='strict', scheme=IOB2</c>: only <c>B-X</c> starts an entity, which runs over the
    /// following <c>I-X</c>; tags other than B-, I-, O are rejected.</summary>
    StrictIob2,
}

/// <summary>Precision, recall, F1 and support (gold entities) of one row of the report.</summary>
public readonly record struct EntityScores(double Precision, double Recall, double F1, int Support);

/// <summary>One entity type's row.</summary>
public sealed record EntityTypeScores(string Type, EntityScores Scores);

/// <summary>
/// seqeval's <c>classification_report(..., output_dict=True)</c>: one row per entity type (code-point order), then the
/// micro, macro and weighted averages (support = all gold entities), plus the token accuracy and the warnings seqeval
/// raises for the report call (<c>"Category: message"</c>, each once, in the order raised).
/// </summary>
public sealed record EntityReport(
    EntityMode Mode,
    ImmutableArray<EntityTypeScores> PerType,
    EntityScores Micro,
    EntityScores Macro,
    EntityScores Weighted,
    double TokenAccuracy,
    ImmutableArray<string> Warnings)
{
    public EntityScores? this[string type] => PerType.FirstOrDefault(t => string.Equals(t.Type, type, StringComparison.Ordinal))?.Scores;
}

/// <summary>One score (seqeval's <c>precision_score</c>, <c>recall_score</c>, <c>f1_score</c>, micro average) and the
/// warnings that call raises.</summary>
public readonly record struct EntityScore(double Value, ImmutableArray<string> Warnings);

/// <summary>An entity: its type and the first and last token position (inclusive) in the sequence it was read from.</summary>
public readonly record struct Entity(string Type, int Start, int End);
