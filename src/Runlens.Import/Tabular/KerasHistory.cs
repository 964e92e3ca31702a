using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>What <see cref="KerasHistoryReader"/> found: the lists in file order (null where an element was not a number),
/// the History object's epoch numbers and params when present, and what was left out.</summary>
internal sealed class KerasHistory
{
    public List<(string Name, List<double?> Values)> Lists { get; } = [];

    public List<double?>? Epochs { get; set; }

    public Dictionary<string, ConfigValue> Params { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys whose value was not a list (skipped).</summary>
    public List<string> Ignored { get; } = [];

    /// <summary>Per list: elements that were neither numbers nor null.</summary>
    public Dictionary<string, int> NotNumbers { get; } = new(StringComparer.Ordinal);

    public int PointCount { get; set; }

    public List<RunEvent> Events { get; } = [];
}
