using System.Collections.Concurrent;
using System.Collections.Immutable;
using Runlens.Audit.Hashing;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>
/// The measured dataset the checks read: every example with its properties, the hashes behind the copy checks, the
/// splits and the tables. The near-copy pairs are computed once per distance and shared by the checks that need them.
/// </summary>
internal sealed class AuditData
{
    private readonly ConcurrentDictionary<(string, int), List<(int I, int J, int Distance)>> _pairs = new();
    private readonly Lazy<HammingIndex> _imageIndex;
    private readonly Lazy<HammingIndex> _textIndex;

    public AuditData(ImmutableArray<AuditExample> examples, ulong?[] imageHashes, ulong[]?[] rotations, ulong?[] textHashes,
        ImmutableArray<AuditSplit> splits, ImmutableArray<TableProfile> tables)
    {
        Examples = examples;
        ImageHashes = imageHashes;
        Rotations = rotations;
        TextHashes = textHashes;
        Splits = splits;
        Tables = tables;
        ImageMembers = [.. Enumerable.Range(0, examples.Length).Where(i => imageHashes[i] is not null)];
        TextMembers = [.. Enumerable.Range(0, examples.Length).Where(i => textHashes[i] is not null)];
        _imageIndex = new(() => new HammingIndex([.. ImageMembers.Select(i => imageHashes[i]!.Value)]));
        _textIndex = new(() => new HammingIndex([.. TextMembers.Select(i => textHashes[i]!.Value)]));
    }

    public ImmutableArray<AuditExample> Examples { get; }

    /// <summary>Perceptual hash per example; null for non-images, failed decodes and flat images (whose hash means nothing).</summary>
    public ulong?[] ImageHashes { get; }

    /// <summary>The perceptual hashes of each image turned 90°, 180° and 270°.</summary>
    public ulong[]?[] Rotations { get; }

    /// <summary>SimHash per text example with at least five words; null otherwise.</summary>
    public ulong?[] TextHashes { get; }

    public ImmutableArray<AuditSplit> Splits { get; }

    public ImmutableArray<TableProfile> Tables { get; }

    /// <summary>Example indices that have an image hash, in order (index positions of <see cref="ImageIndex"/>).</summary>
    public ImmutableArray<int> ImageMembers { get; }

    public ImmutableArray<int> TextMembers { get; }

    public HammingIndex ImageIndex => _imageIndex.Value;

    /// <summary>Pairs of examples (i &lt; j, example indices) whose perceptual hashes are within <paramref name="maxDistance"/>.</summary>
    public List<(int I, int J, int Distance)> NearImagePairs(int maxDistance) =>
        _pairs.GetOrAdd(("image", maxDistance), _ => [.. _imageIndex.Value.Pairs(maxDistance).Select(p => (ImageMembers[p.I], ImageMembers[p.J], p.Distance))]);

    /// <summary>Pairs of text examples (i &lt; j) whose SimHashes are within <paramref name="maxDistance"/>.</summary>
    public List<(int I, int J, int Distance)> NearTextPairs(int maxDistance) =>
        _pairs.GetOrAdd(("text", maxDistance), _ => [.. _textIndex.Value.Pairs(maxDistance).Select(p => (TextMembers[p.I], TextMembers[p.J], p.Distance))]);

    /// <summary>Groups of two or more examples with the same SHA-256, each in example order.</summary>
    public List<List<int>> ExactGroups()
    {
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < Examples.Length; i++)
        {
            if (Examples[i].Sha256 is { } h && Examples[i].Error is null)
            {
                if (!groups.TryGetValue(h, out var list))
                {
                    groups[h] = list = [];
                }

                list.Add(i);
            }
        }

        return [.. groups.Values.Where(g => g.Count > 1).OrderBy(g => g[0])];
    }
}
