using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import.Core;

/// <summary>
/// Reads every run of a folder that no single format claims whole (<see cref="FolderScan"/>): each unit with its own
/// importer, so a parent folder of runs in different formats yields all of them, and the result names every file or
/// folder left out with why (<see cref="ImportResult.Skipped"/>). A unit that cannot be read is left out the same way,
/// with its error, and the others are kept; only when no unit can be read is the folder as a whole unusable. When every
/// unit belongs to one format that reads whole trees itself (TensorBoard, MLflow, Lightning, W&amp;B), that importer reads
/// the folder, as it would be given it directly. Runs from different units are never confused: a second run with a name
/// already taken is named by its folder's path under the one given, and a second run with a taken id gets an id of its own.
/// </summary>
internal sealed class FolderImporter : IRunImporter
{
    private readonly FolderPlan _plan;
    private readonly IRunImporter? _whole;

    /// <param name="plan">What the folder holds.</param>
    /// <param name="whole">The importer that reads the whole folder itself, when every unit is its.</param>
    public FolderImporter(FolderPlan plan, IRunImporter? whole)
    {
        _plan = plan;
        _whole = whole;
        var formats = plan.Units.Select(u => u.Importer.Format).Distinct(StringComparer.Ordinal).ToList();
        Format = formats.Count == 1 ? formats[0] : FormatId;
    }

    /// <summary>The format shown for a folder holding several formats.</summary>
    public const string FormatId = "folder";

    /// <summary>The units' format when they share one, else <see cref="FormatId"/>.</summary>
    public string Format { get; }

    public ImmutableArray<FolderUnit> Units => _plan.Units;

    /// <summary>Never chosen by score: <see cref="ImporterCatalog.Detect"/> builds it for the folders that need it.</summary>
    public int Detect(string path) => 0;

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var plan = string.Equals(Path.GetFullPath(path), Path.GetFullPath(_plan.Root), StringComparison.Ordinal)
            ? _plan
            : FolderScan.Plan(path, ImporterCatalog.All);
        if (_whole is not null && ReferenceEquals(plan, _plan))
        {
            var result = await _whole.ImportAsync(path, context, cancellationToken).ConfigureAwait(false);
            return result with { Skipped = [.. result.Skipped, .. plan.Skipped] };
        }

        var runs = new List<(Run Run, FolderUnit Unit)>();
        var skipped = new List<SkippedPath>();
        RunImportException? first = null;
        foreach (var unit in plan.Units)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var result = await unit.Importer.ImportAsync(unit.Path, context, cancellationToken).ConfigureAwait(false);
                runs.AddRange(result.Runs.Select(r => (r, unit)));
                skipped.AddRange(result.Skipped);
            }
            catch (RunImportException ex)
            {
                first ??= ex;
                var where = ex.Location is null ? "" : ex.Location + ": ";
                skipped.Add(new SkippedPath(unit.Path, $"not readable as {unit.Importer.Format}: {where}{ex.Cause.TrimEnd('.')}"));
            }
        }

        skipped.AddRange(plan.Skipped);
        if (runs.Count == 0)
        {
            throw first is not null
                ? new RunImportException(first.File, first.Location, first.Cause, first.Hint, first)
                : new RunImportException(path, null, "no training log Runlens reads in this folder", ImporterCatalog.Expected);
        }

        return new ImportResult([.. Distinct(plan.Root, runs)]) { Skipped = [.. skipped] };
    }

    /// <summary>Renames a run whose name another unit's run already has, and re-ids a run whose id another unit's run has.</summary>
    private static IEnumerable<Run> Distinct(string root, List<(Run Run, FolderUnit Unit)> runs)
    {
        var nameUnits = runs.GroupBy(r => r.Run.Identity.Name, StringComparer.Ordinal)
            .Where(g => g.Select(r => r.Unit).Distinct().Count() > 1)
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        var ids = new Dictionary<string, FolderUnit>(StringComparer.Ordinal);
        foreach (var (run, unit) in runs)
        {
            var identity = run.Identity;
            var events = run.Events;
            if (nameUnits.Contains(identity.Name))
            {
                identity = identity with { Name = PathName(root, run, identity.Name) };
            }

            if (ids.TryGetValue(identity.Id, out var owner) && !ReferenceEquals(owner, unit))
            {
                var id = identity.Id + "-" + RunIds.FromPath(identity.Source.Path)[..8];
                events = events.Add(new RunEvent(RunEventKind.Note,
                    $"Another run read with it ({owner.Path}) has the id {identity.Id}; this one is {id} here.", File: identity.Source.Path));
                identity = identity with { Id = id };
            }

            ids.TryAdd(identity.Id, unit);
            yield return identity == run.Identity ? run : run with { Identity = identity, Events = events };
        }
    }

    /// <summary>The run's folder under <paramref name="root"/> (<c>a/exp</c>), with the run's own name after it when the
    /// name is not the folder's.</summary>
    private static string PathName(string root, Run run, string name)
    {
        var source = run.Identity.Source.Path;
        var folder = Directory.Exists(source) ? source : Path.GetDirectoryName(Path.GetFullPath(source)) ?? source;
        var relative = Path.GetRelativePath(Path.GetFullPath(root), Path.GetFullPath(folder)).Replace(Path.DirectorySeparatorChar, '/');
        if (relative == ".")
        {
            relative = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
        }

        return relative == name || relative.EndsWith("/" + name, StringComparison.Ordinal) ? relative : relative + "/" + name;
    }
}
