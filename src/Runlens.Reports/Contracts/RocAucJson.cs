using System.Text.Json.Serialization;

namespace Runlens.Reports.Contracts;

/// <summary>ROC-AUC: binary, one-vs-rest macro and weighted; each left out where it does not apply.</summary>
public sealed record RocAucJson(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Binary,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Macro,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Weighted);
