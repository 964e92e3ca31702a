using Runlens.Model;
using Runlens.Storage;
using Runlens.Storage.Search;
using static Runlens.Tests.Storage.Search.SearchTestRuns;

namespace Runlens.Tests.Storage.Search;

public sealed class RunOrderTests
{
    private static string[] Sorted(IReadOnlyList<string>? orderBy, params RunRecord[] runs) =>
        [.. runs.Order(RunOrder.Parse(orderBy)).Select(r => r.Id)];

    private static string Error(params string[] orderBy) =>
        Assert.Throws<SearchSyntaxException>(() => RunOrder.Parse(orderBy)).Message;

    private static RunRecord WithLoss(string id, double? loss, long start = 1_000) =>
        StoredRun(id: id, start: start, metrics: loss is null ? [] : new() { ["loss"] = loss.Value });

    [Fact]
    public void Without_order_by_runs_sort_by_start_time_descending_then_run_id()
    {
        var runs = new[] { StoredRun("b", start: 1), StoredRun("c", start: 3), StoredRun("a", start: 1), StoredRun("d", start: 2) };

        Assert.Equal(["c", "d", "a", "b"], Sorted(null, runs));
        Assert.Equal(["c", "d", "a", "b"], Sorted([], runs));
        Assert.Equal(["c", "d", "a", "b"], [.. runs.Order(RunOrder.Default).Select(r => r.Id)]);
    }

    [Fact]
    public void Runs_without_a_start_time_come_last_in_the_default_order() =>
        Assert.Equal(["b", "a", "c"], Sorted(null, StoredRun("c", start: null), StoredRun("a", start: 1), StoredRun("b", start: 2)));

    [Fact]
    public void Run_ids_break_ties_ordinally() =>
        Assert.Equal(["B", "a", "b"], Sorted(null, StoredRun("b"), StoredRun("a"), StoredRun("B")));

    [Fact]
    public void A_metric_sorts_ascending_by_default()
    {
        var runs = new[] { WithLoss("x", 0.3), WithLoss("y", 0.1), WithLoss("z", 0.2) };

        Assert.Equal(["y", "z", "x"], Sorted(["metrics.loss"], runs));
        Assert.Equal(["y", "z", "x"], Sorted(["metrics.loss ASC"], runs));
        Assert.Equal(["y", "z", "x"], Sorted(["metrics.loss asc"], runs));
        Assert.Equal(["x", "z", "y"], Sorted(["metrics.loss DESC"], runs));
        Assert.Equal(["x", "z", "y"], Sorted(["metric.loss desc"], runs));
        Assert.Equal(["x", "z", "y"], Sorted(["  metrics.loss   Desc  "], runs));
    }

    [Theory]
    [InlineData("metrics.loss ASC", new[] { "low", "high", "nan", "none" })]
    [InlineData("metrics.loss DESC", new[] { "high", "low", "nan", "none" })]
    public void Runs_lacking_the_key_sort_last_in_both_directions_with_NaN_just_before_them(string clause, string[] expected)
    {
        var runs = new[] { WithLoss("none", null), WithLoss("high", 2), WithLoss("nan", double.NaN), WithLoss("low", 1) };

        Assert.Equal(expected, Sorted([clause], runs));
    }

    [Fact]
    public void Runs_lacking_a_param_or_tag_sort_last_in_both_directions()
    {
        var runs = new[]
        {
            StoredRun("none"),
            StoredRun("b", parameters: new() { ["opt"] = "sgd" }, tags: new() { ["t"] = "2" }),
            StoredRun("a", parameters: new() { ["opt"] = "adam" }, tags: new() { ["t"] = "1" }),
        };

        Assert.Equal(["a", "b", "none"], Sorted(["params.opt"], runs));
        Assert.Equal(["b", "a", "none"], Sorted(["params.opt DESC"], runs));
        Assert.Equal(["a", "b", "none"], Sorted(["tags.t ASC"], runs));
        Assert.Equal(["b", "a", "none"], Sorted(["tags.t DESC"], runs));
    }

    [Fact]
    public void Params_sort_as_text_not_as_numbers()
    {
        var runs = new[] { StoredRun("nine", parameters: new() { ["lr"] = "9" }), StoredRun("ten", parameters: new() { ["lr"] = "10" }) };

        Assert.Equal(["ten", "nine"], Sorted(["params.lr"], runs));
        Assert.Equal(["ten", "nine"], Sorted(["param.lr"], runs));
        Assert.Equal(["ten", "nine"], Sorted(["parameters.lr"], runs));
    }

    [Fact]
    public void Ties_fall_to_the_next_clause_then_to_start_time_descending_then_run_id()
    {
        var runs = new[]
        {
            StoredRun("a", start: 1, metrics: new() { ["loss"] = 1 }, parameters: new() { ["opt"] = "sgd" }),
            StoredRun("b", start: 2, metrics: new() { ["loss"] = 1 }, parameters: new() { ["opt"] = "adam" }),
            StoredRun("c", start: 3, metrics: new() { ["loss"] = 1 }, parameters: new() { ["opt"] = "adam" }),
            StoredRun("d", start: 3, metrics: new() { ["loss"] = 1 }, parameters: new() { ["opt"] = "adam" }),
            StoredRun("e", start: 9, metrics: new() { ["loss"] = 0 }, parameters: new() { ["opt"] = "zzz" }),
        };

        Assert.Equal(["e", "c", "d", "b", "a"], Sorted(["metrics.loss", "params.opt"], runs));
        Assert.Equal(["c", "d", "b", "a", "e"], Sorted(["metrics.loss DESC", "params.opt ASC"], runs));
        Assert.Equal(["a", "c", "d", "b", "e"], Sorted(["metrics.loss DESC", "params.opt DESC"], runs));
        Assert.Equal(["e", "c", "d", "b", "a"], Sorted(["metrics.loss"], runs));
    }

    [Fact]
    public void Start_and_end_time_sort_by_time_with_missing_end_times_last()
    {
        var runs = new[] { StoredRun("open", start: 5, end: null), StoredRun("early", start: 1, end: 10), StoredRun("late", start: 3, end: 30) };

        Assert.Equal(["early", "late", "open"], Sorted(["attributes.start_time"], runs));
        Assert.Equal(["early", "late", "open"], Sorted(["start_time ASC"], runs));
        Assert.Equal(["early", "late", "open"], Sorted(["created"], runs));
        Assert.Equal(["open", "late", "early"], Sorted(["attr.Created DESC"], runs));
        Assert.Equal(["early", "late", "open"], Sorted(["end_time"], runs));
        Assert.Equal(["late", "early", "open"], Sorted(["run.end_time DESC"], runs));
    }

    [Fact]
    public void String_attributes_sort_as_text_with_missing_users_last()
    {
        var runs = new[]
        {
            StoredRun("r1", name: "beta", status: RunStatus.Running, user: null),
            StoredRun("r2", name: "alpha", status: RunStatus.Failed, user: "zed"),
            StoredRun("r3", name: "gamma", status: RunStatus.Finished, user: "amy"),
        };

        Assert.Equal(["r2", "r1", "r3"], Sorted(["run_name"], runs));
        Assert.Equal(["r3", "r1", "r2"], Sorted(["attributes.run_name DESC"], runs));
        Assert.Equal(["r2", "r3", "r1"], Sorted(["status"], runs));
        Assert.Equal(["r3", "r2", "r1"], Sorted(["user_id"], runs));
        Assert.Equal(["r2", "r3", "r1"], Sorted(["user_id DESC"], runs));
        Assert.Equal(["r3", "r2", "r1"], Sorted(["attribute.run_id DESC"], runs));
    }

    [Fact]
    public void Quoted_keys_name_the_same_metric()
    {
        var runs = new[]
        {
            StoredRun("a", metrics: new() { ["val loss"] = 2, ["train.acc"] = 0.1 }),
            StoredRun("b", metrics: new() { ["val loss"] = 1, ["train.acc"] = 0.2 }),
        };

        Assert.Equal(["b", "a"], Sorted(["metrics.\"val loss\""], runs));
        Assert.Equal(["a", "b"], Sorted(["metrics.`val loss` DESC"], runs));
        Assert.Equal(["a", "b"], Sorted(["metrics.train.acc"], runs));
        Assert.Equal(["b", "a"], Sorted(["metrics.\"train.acc\" DESC"], runs));
    }

    [Fact]
    public void The_comparer_is_consistent_and_orders_null_first()
    {
        var order = RunOrder.Parse(["metrics.loss"]);
        var a = WithLoss("a", 1);
        var b = WithLoss("b", 2);

        Assert.Equal(0, order.Compare(a, a));
        Assert.True(order.Compare(a, b) < 0);
        Assert.True(order.Compare(b, a) > 0);
        Assert.True(order.Compare(null, a) < 0);
        Assert.True(order.Compare(a, null) > 0);
        Assert.Equal(0, order.Compare(null, null));
    }

    [Theory]
    [InlineData("metrics.loss DESCENDING", "Invalid ordering key in order_by clause 'metrics.loss DESCENDING'.")]
    [InlineData("metrics.loss 1", "Invalid ordering key in order_by clause 'metrics.loss 1'.")]
    [InlineData("metrics.loss ASC DESC", "Invalid order_by clause 'metrics.loss ASC DESC'. Could not be parsed.")]
    [InlineData("", "Invalid order_by clause ''. Could not be parsed.")]
    [InlineData("   ", "Invalid order_by clause '   '. Could not be parsed.")]
    [InlineData("'metrics.loss'", "Invalid order_by clause ''metrics.loss''. Could not be parsed.")]
    [InlineData("ASC", "Invalid attribute key 'ASC' specified. Valid keys are '{'run_id', 'run_name', 'status', 'user_id', 'start_time', 'end_time', 'artifact_uri', 'created', 'Created'}'")]
    [InlineData("AND", "Invalid order_by clause 'AND'. Could not be parsed.")]
    [InlineData("metrics.`loss", "Invalid order_by clause 'metrics.`loss'. Could not be parsed: the quote (`) opened at position 8 is never closed.")]
    [InlineData("foo.loss", "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")]
    [InlineData("lifecycle_stage", "Invalid attribute key 'lifecycle_stage' specified. Valid keys are '{'run_id', 'run_name', 'status', 'user_id', 'start_time', 'end_time', 'artifact_uri', 'created', 'Created'}'")]
    [InlineData("attributes.`Run name`", "Invalid attribute key 'Run name' specified. Valid keys are '{'run_id', 'run_name', 'status', 'user_id', 'start_time', 'end_time', 'artifact_uri', 'created', 'Created'}'")]
    [InlineData("datasets.name", "Ordering on datasets ('datasets.name') is not supported: Runlens runs have no dataset inputs.")]
    [InlineData("artifact_uri DESC", "Ordering by attribute 'artifact_uri' is not supported: Runlens runs have no artifact URI.")]
    public void Malformed_order_by_clauses_are_rejected_with_MLflow_s_message(string clause, string message) =>
        Assert.Equal(message, Error(clause));

    [Fact]
    public void A_null_clause_is_rejected() =>
        Assert.Equal("Invalid order_by clause ''. Could not be parsed.", Assert.Throws<SearchSyntaxException>(() => RunOrder.Parse([null!])).Message);

    [Fact]
    public void Every_clause_is_checked() =>
        Assert.StartsWith("Invalid entity type 'foo'", Error("metrics.loss", "foo.x DESC"));
}
