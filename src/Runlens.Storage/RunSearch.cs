using Runlens.Model;

namespace Runlens.Storage;

/// <summary>
/// What <see cref="IRunSearch.SearchRunsAsync"/> selects and how it orders and pages it.
/// </summary>
/// <remarks>
/// A metric name in the filter or order_by (<c>metrics.NAME</c>) names, on each run, the metric logged under exactly
/// NAME, else the metric whose Runlens key is NAME; a name that names no metric of a run is tried again in its
/// normalised form (<c>eval_loss</c>, <c>val_loss</c> and <c>validation/loss</c> are <c>val/loss</c>). So
/// <c>metrics.val_loss</c> finds runs that logged <c>eval_loss</c>, and <c>metrics."val/loss"</c> finds them all.
/// </remarks>
public sealed record RunSearch
{
    /// <summary>MLflow <c>search_runs</c> filter text (comparisons joined by AND); null or blank selects every run.</summary>
    public string? Filter { get; init; }

    /// <summary>MLflow order_by clauses (<c>metrics.loss ASC</c>, <c>params.lr DESC</c>, <c>attributes.start_time</c>);
    /// after them, start time (newest first, runs without one last), then run id.</summary>
    public IReadOnlyList<string> OrderBy { get; init; } = [];

    /// <summary>Only runs of these experiments (names; a run without one belongs to <see cref="Experiment.DefaultName"/>),
    /// or of all when null.</summary>
    public IReadOnlyCollection<string>? Experiments { get; init; }

    /// <summary>Include active runs.</summary>
    public bool Active { get; init; } = true;

    /// <summary>Include deleted runs.</summary>
    public bool Deleted { get; init; }

    /// <summary>Only runs with this status, or all.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>Only runs whose name or id contains this text, ignoring case, or all.</summary>
    public string? NameContains { get; init; }

    /// <summary>Runs per page, at least 1.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where to go on: the <see cref="RunPage.NextPageToken"/> of the page before (the same search). Pages
    /// continue after the last run shown, so runs stored meanwhile neither repeat nor shift a run out of view. Also
    /// accepts MLflow's own <c>{"offset": n}</c> tokens.</summary>
    public string? PageToken { get; init; }

    /// <summary>Runs to skip before the page when there is no <see cref="PageToken"/> (a page picked by number).</summary>
    public int Offset { get; init; }

    /// <summary>Also count every run the search selects (<see cref="RunPage.Total"/>); it costs a pass over them.</summary>
    public bool CountTotal { get; init; }

    /// <summary>A metric, parameter or tag name that no stored run has is an error that lists the names that exist
    /// (true), or it matches nothing, as MLflow does (false).</summary>
    public bool StrictNames { get; init; } = true;
}
