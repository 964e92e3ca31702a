using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Runlens.Analysis.Findings;
using Runlens.Audit.Checks;
using Runlens.Audit.Hashing;
using Runlens.Audit.Inputs;
using Runlens.Audit.Measures;
using Runlens.Audit.Results;

namespace Runlens.Audit;

/// <summary>
/// Runs a data audit: finds the files, measures each one in parallel (streaming: a file's bytes and pixels are dropped
/// once its measured record is made), profiles the tables, runs every check of <see cref="AuditCatalog"/> over the
/// measured dataset and assembles the <see cref="AuditResult"/>. Bad files are findings; only input that cannot be
/// audited at all (no such path, nothing to audit) throws <see cref="AuditInputException"/>.
/// </summary>
public static class AuditRunner
{
    private const int MaxThumbnails = 24;

    public static async Task<AuditResult> RunAsync(string path, AuditOptions options, IProgress<AuditProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = DatasetScanner.Scan(path, options);
        if (layout.Files.IsEmpty)
        {
            var why = layout.Notes.IsEmpty ? "" : $" ({string.Join("; ", layout.Notes.Take(3))})";
            throw new AuditInputException(path, $"nothing to audit: no images, audio files or tables found{why}",
                "point at a folder of images (.jpg, .png, .webp, .bmp, .gif), audio (.wav, .flac, .ogg, .mp3) or tables (.csv, .jsonl, .parquet, .arrow)");
        }

        var media = layout.Files.Where(f => f.Kind != ExampleKind.Table).ToArray();
        var measured = new Measured[media.Length];
        var done = 0;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Parallelism > 0 ? options.Parallelism : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        await Task.Run(() => Parallel.For(0, media.Length, parallel, i =>
        {
            measured[i] = MeasureFile(media[i]);
            var d = Interlocked.Increment(ref done);
            if (progress is not null && (d % 16 == 0 || d == media.Length))
            {
                progress.Report(new AuditProgress(d, media.Length));
            }
        }), cancellationToken);

        var examples = new List<AuditExample>(measured.Select(m => m.Example));
        var imageHashes = new List<ulong?>(measured.Select(m => m.Phash));
        var rotations = new List<ulong[]?>(measured.Select(m => m.Rotations));
        var textHashes = new List<ulong?>(measured.Select(_ => (ulong?)null));
        var fullPaths = new List<string?>(media.Select(f => (string?)f.FullPath));
        var tables = ImmutableArray.CreateBuilder<TableProfile>();
        var notes = new List<string>(layout.Notes);
        foreach (var file in layout.Files.Where(f => f.Kind == ExampleKind.Table))
        {
            var format = FileKinds.OfExtension(file.FullPath)!.Value.Format;
            var (table, error) = await TableReader.ReadAsync(file, format, cancellationToken);
            if (table is null)
            {
                examples.Add(new AuditExample(file.Id, file.DisplayPath, file.Split, "table") { Format = format, Error = error, Bytes = new FileInfo(file.FullPath).Length });
                imageHashes.Add(null);
                rotations.Add(null);
                textHashes.Add(null);
                fullPaths.Add(null);
                continue;
            }

            notes.AddRange(table.Notes.Select(n => $"{file.DisplayPath}: {n}"));
            var profile = TableProfiler.Profile(table);
            tables.Add(profile);
            foreach (var (example, simhash) in Rows(profile))
            {
                examples.Add(example);
                imageHashes.Add(null);
                rotations.Add(null);
                textHashes.Add(simhash);
                fullPaths.Add(null);
            }
        }

        var splits = layout.Splits.Select(s =>
        {
            var inSplit = examples.Where(e => e.Split == s.Name && e.Kind != "table").ToList();
            var classes = inSplit.Where(e => e.Label is not null).GroupBy(e => e.Label!, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ClassCount(g.Key, g.Count()));
            return new AuditSplit(s.Name, s.Display, inSplit.Count, [.. classes]);
        }).ToImmutableArray();

        var data = new AuditData([.. examples], [.. imageHashes], [.. rotations], [.. textHashes], splits, tables.ToImmutable());
        var counts = ImmutableArray.CreateBuilder<AuditCheckCount>();
        var findings = new List<AuditFinding>();
        foreach (var check in AuditCatalog.All)
        {
            var outcome = check.Evaluate(new AuditCheckContext(data, check, options.Settings));
            var d = check.Descriptor;
            counts.Add(new AuditCheckCount(d.Id, d.Slug, d.Title, outcome.Examined, outcome.Finding?.Issues.Length ?? 0,
                outcome.Finding is { } f ? f.Severity.ToString().ToLowerInvariant() : null));
            if (outcome.Finding is not null)
            {
                findings.Add(outcome.Finding);
            }
        }

        findings = [.. findings.OrderByDescending(f => f.Severity).ThenBy(f => f.RuleId, StringComparer.Ordinal)];
        var final = Annotate(examples, findings);
        var leaveOut = findings.Where(f => f.LeaveOut).SelectMany(f => f.Issues.Select(i => i.File))
            .Where(final.ById.ContainsKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var thumbnails = options.Thumbnails ? Thumbnails(findings, final.ById, fullPaths) : [];
        var status = findings.Any(f => f.Severity == Severity.Error) ? "critical" : findings.Any(f => f.Severity == Severity.Warning) ? "warning" : "healthy";
        var rows = final.Examples.Count(e => e.Kind != "table");
        var headline = findings.FirstOrDefault(f => f.Severity > Severity.Info)?.Title
            ?? $"No problems found in {rows} examples";
        var kinds = final.Examples.GroupBy(e => e.Kind, StringComparer.Ordinal).ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var summary = new AuditSummary(status, headline, rows, final.Examples.Count(e => !e.Flags.IsEmpty), leaveOut.Length, kinds);
        return new AuditResult(path, summary, splits, counts.ToImmutable(), [.. findings], [.. tables.SelectMany(t => t.Columns)],
            final.Examples, thumbnails, [.. notes])
        {
            LeaveOut = leaveOut,
        };
    }

    /// <summary>One measured media file: the example record and the hashes the copy checks need.</summary>
    private sealed record Measured(AuditExample Example, ulong? Phash, ulong[]? Rotations);

    private static Measured MeasureFile(DataFile file)
    {
        var example = new AuditExample(file.Id, file.DisplayPath, file.Split, file.Kind == ExampleKind.Image ? "image" : "audio")
        {
            Label = file.Label,
            Source = file.Source,
        };
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file.FullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Measured(example with { Error = $"cannot be read ({ex.Message})" }, null, null);
        }

        var sniffed = FileKinds.Sniff(bytes);
        example = example with { Bytes = bytes.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), Format = sniffed };
        if (bytes.Length == 0)
        {
            return new Measured(example with { Error = "empty: the file has no bytes" }, null, null);
        }

        if (file.Kind == ExampleKind.Image)
        {
            var m = ImageProbe.Measure(bytes);
            example = example with
            {
                Format = m.Format ?? sniffed,
                Error = m.Error,
                Width = m.Width,
                Height = m.Height,
                Orientation = m.Orientation,
                Blur = m.Blur,
                Brightness = m.Brightness,
                Contrast = m.Contrast,
                Phash = m.Phash is { } h ? h.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) : null,
            };
            // a flat image's hash is noise around a constant: it would match every other flat image
            var meaningful = m.Phash is not null && m.Contrast >= 5;
            return new Measured(example, meaningful ? m.Phash : null, meaningful ? m.Rotations : null);
        }

        var format = sniffed ?? FileKinds.OfExtension(file.FullPath)!.Value.Format;
        var a = AudioProbe.Measure(bytes, format);
        return new Measured(example with
        {
            Format = sniffed,
            Error = a.Error,
            Duration = a.Duration,
            SampleRate = a.SampleRate,
            Channels = a.Channels,
            RmsDbfs = a.RmsDbfs,
            Clipped = a.Clipped,
        }, null, null);
    }

    /// <summary>Each row of a table as an example: a text example when the table has a text column, else a row.</summary>
    private static IEnumerable<(AuditExample Example, ulong? SimHash)> Rows(TableProfile t)
    {
        var text = -1;
        for (var c = 0; c < t.Columns.Length && text < 0; c++)
        {
            text = t.Columns[c].Role == "text" ? c : -1;
        }

        var featureColumns = Enumerable.Range(0, t.Columns.Length).Where(c => t.Columns[c].Role is not ("id" or "label")).ToArray();
        for (var r = 0; r < t.Rows; r++)
        {
            var label = t.Label >= 0 ? t.Cells[t.Label][r] : null;
            var path = $"{t.File}#{r + 1}";
            if (text >= 0)
            {
                var value = (t.Cells[text][r] ?? "").Trim();
                var (simhash, words) = SimHash.Of(value);
                yield return (new AuditExample(t.RowIds[r], path, t.Split, "text")
                {
                    Label = label,
                    Source = t.File,
                    Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value))),
                    Characters = value.Length,
                    Tokens = TextMeasures.Tokens(value),
                    Simhash = words >= 5 ? simhash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) : null,
                }, words >= 5 ? simhash : null);
            }
            else
            {
                var joined = string.Join("\u001f", featureColumns.Select(c => t.Cells[c][r] ?? "\u0000"));
                yield return (new AuditExample(t.RowIds[r], path, t.Split, "row")
                {
                    Label = label,
                    Source = t.File,
                    Sha256 = featureColumns.Length == 0 ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined))),
                }, null);
            }
        }
    }

    /// <summary>The examples with the checks that flagged them and the copy they duplicate.</summary>
    private static (ImmutableArray<AuditExample> Examples, Dictionary<string, int> ById) Annotate(List<AuditExample> examples, List<AuditFinding> findings)
    {
        var byPath = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < examples.Count; i++)
        {
            byPath.TryAdd(examples[i].Path, i);
        }

        var flags = new Dictionary<int, SortedSet<string>>();
        var duplicateOf = new Dictionary<int, string>();
        foreach (var f in findings)
        {
            foreach (var issue in f.Issues)
            {
                if (!byPath.TryGetValue(issue.File, out var i))
                {
                    continue;
                }

                if (!flags.TryGetValue(i, out var set))
                {
                    flags[i] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add(f.Rule);
                if (f.Rule is "exact-duplicate" or "near-duplicate" or "split-leakage" && !issue.Related.IsEmpty)
                {
                    duplicateOf.TryAdd(i, issue.Related[0]);
                }
            }
        }

        var result = examples.Select((e, i) => flags.ContainsKey(i) || duplicateOf.ContainsKey(i)
            ? e with { Flags = flags.TryGetValue(i, out var s) ? [.. s] : [], DuplicateOf = duplicateOf.GetValueOrDefault(i) }
            : e).ToImmutableArray();
        return (result, byPath);
    }

    private static ImmutableArray<AuditThumbnail> Thumbnails(List<AuditFinding> findings, Dictionary<string, int> byPath, List<string?> fullPaths)
    {
        var picks = findings.SelectMany(f => f.Issues.Take(8).Select(i => (f.Rule, Issue: i)))
            .Where(p => byPath.TryGetValue(p.Issue.File, out var idx) && fullPaths[idx] is not null)
            .DistinctBy(p => p.Issue.File)
            .Take(MaxThumbnails)
            .ToList();
        var result = ImmutableArray.CreateBuilder<AuditThumbnail>();
        foreach (var (rule, issue) in picks)
        {
            if (ImageThumbnail.DataUri(fullPaths[byPath[issue.File]]!) is { } uri)
            {
                result.Add(new AuditThumbnail(issue.File, rule, issue.Reason, uri));
            }
        }

        return result.ToImmutable();
    }
}
