using Runlens.Model;
using Runlens.Storage;
using Runlens.Storage.Search;
using static Runlens.Tests.Storage.Search.SearchTestRuns;

namespace Runlens.Tests.Storage.Search;

public sealed class RunFilterTests
{
    private static bool Matches(string filter, RunRecord run) => RunFilter.Parse(filter).Matches(run);

    private static string Error(string filter) => Assert.Throws<SearchSyntaxException>(() => RunFilter.Parse(filter)).Message;

    private static readonly RunRecord Rich = StoredRun(
        id: "abc123",
        name: "bert-base_lr.1e-3",
        status: RunStatus.Finished,
        start: 1_700_000_000_000,
        end: 1_700_000_360_000,
        user: "alice",
        metrics: new() { ["loss"] = 0.5, ["val loss"] = 0.7, ["train.acc"] = 0.9, ["nan"] = double.NaN },
        parameters: new() { ["lr"] = "0.001", ["optimizer"] = "Adam", ["a b"] = "x", ["quote"] = "it's" },
        tags: new() { ["mlflow.user"] = "alice", ["team"] = "NLP-core", ["path"] = "a.c(x)[y]*+?^$|{1}\\d" });

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \t\n")]
    public void Null_empty_and_blank_filters_match_every_run(string? filter)
    {
        var parsed = RunFilter.Parse(filter);

        Assert.True(parsed.MatchesEverything);
        Assert.True(parsed.Matches(Rich));
        Assert.True(parsed.Matches(StoredRun(metrics: [], parameters: [], user: null, start: null)));
        Assert.Same(RunFilter.All, parsed);
    }

    [Fact]
    public void Metric_comparison_uses_the_latest_value()
    {
        var run = StoredRun(metrics: new() { ["loss"] = 0.25 });

        Assert.True(Matches("metrics.loss < 0.3", run));
        Assert.False(Matches("metrics.loss > 0.3", run));
        Assert.False(RunFilter.Parse("metrics.loss < 0.3").MatchesEverything);
    }

    [Theory]
    [InlineData("metrics.loss > 0.4", true)]
    [InlineData("metrics.loss > 0.5", false)]
    [InlineData("metrics.loss >= 0.5", true)]
    [InlineData("metrics.loss >= 0.6", false)]
    [InlineData("metrics.loss < 0.6", true)]
    [InlineData("metrics.loss < 0.5", false)]
    [InlineData("metrics.loss <= 0.5", true)]
    [InlineData("metrics.loss <= 0.4", false)]
    [InlineData("metrics.loss = 0.5", true)]
    [InlineData("metrics.loss = 0.4", false)]
    [InlineData("metrics.loss != 0.4", true)]
    [InlineData("metrics.loss != 0.5", false)]
    public void Every_metric_comparator_compares_numerically(string filter, bool expected) =>
        Assert.Equal(expected, Matches(filter, Rich));

    [Theory]
    [InlineData("metrics.loss > -1")]
    [InlineData("metrics.loss>-1")]
    [InlineData("metrics.loss = .5")]
    [InlineData("metrics.loss = 5E-1")]
    [InlineData("metrics.loss = 0.05e1")]
    [InlineData("metrics.loss = 0.5e+0")]
    [InlineData("metrics.loss < 1")]
    [InlineData("metrics.loss < 1.")]
    [InlineData("metrics.loss=0.5")]
    public void Metric_values_may_be_integers_decimals_negative_or_in_exponent_form(string filter) =>
        Assert.True(Matches(filter, Rich));

    [Theory]
    [InlineData("metrics.missing > 0")]
    [InlineData("metrics.missing < 0")]
    [InlineData("metrics.missing != 0")]
    [InlineData("metrics.missing = 0")]
    public void A_run_without_the_metric_never_matches(string filter) => Assert.False(Matches(filter, Rich));

    [Fact]
    public void A_NaN_metric_only_matches_not_equal()
    {
        Assert.True(Matches("metrics.nan != 1", Rich));
        Assert.False(Matches("metrics.nan = 1", Rich));
        Assert.False(Matches("metrics.nan > 1", Rich));
        Assert.False(Matches("metrics.nan <= 1", Rich));
    }

    [Theory]
    [InlineData("metric.loss = 0.5")]
    [InlineData("metrics.loss = 0.5")]
    [InlineData("`metrics`.loss = 0.5")]
    public void Metric_entity_aliases_name_the_same_metric(string filter) => Assert.True(Matches(filter, Rich));

    [Theory]
    [InlineData("param.optimizer = 'Adam'")]
    [InlineData("params.optimizer = 'Adam'")]
    [InlineData("parameter.optimizer = 'Adam'")]
    [InlineData("parameters.optimizer = 'Adam'")]
    public void Param_entity_aliases_name_the_same_param(string filter) => Assert.True(Matches(filter, Rich));

    [Theory]
    [InlineData("tag.team = 'NLP-core'")]
    [InlineData("tags.team = 'NLP-core'")]
    public void Tag_entity_aliases_name_the_same_tag(string filter) => Assert.True(Matches(filter, Rich));

    [Theory]
    [InlineData("params.optimizer = 'Adam'", true)]
    [InlineData("params.optimizer = 'adam'", false)]
    [InlineData("params.optimizer != 'adam'", true)]
    [InlineData("params.optimizer != 'Adam'", false)]
    [InlineData("params.optimizer LIKE 'Ad%'", true)]
    [InlineData("params.optimizer LIKE 'ad%'", false)]
    [InlineData("params.optimizer ILIKE 'ad%'", true)]
    [InlineData("params.optimizer ILIKE 'sgd%'", false)]
    [InlineData("params.lr = '0.001'", true)]
    [InlineData("params.lr = '1e-3'", false)]
    public void Param_comparators_compare_text_case_sensitively_except_ILIKE(string filter, bool expected) =>
        Assert.Equal(expected, Matches(filter, Rich));

    [Theory]
    [InlineData("tags.team = 'NLP-core'", true)]
    [InlineData("tags.team = 'nlp-core'", false)]
    [InlineData("tags.team != 'nlp-core'", true)]
    [InlineData("tags.team != 'NLP-core'", false)]
    [InlineData("tags.team LIKE '%core'", true)]
    [InlineData("tags.team LIKE '%CORE'", false)]
    [InlineData("tags.team ILIKE '%CORE'", true)]
    [InlineData("tags.team ILIKE 'cv%'", false)]
    public void Tag_comparators_compare_text_case_sensitively_except_ILIKE(string filter, bool expected) =>
        Assert.Equal(expected, Matches(filter, Rich));

    [Theory]
    [InlineData("params.missing = 'x'")]
    [InlineData("params.missing != 'x'")]
    [InlineData("params.missing LIKE '%'")]
    [InlineData("params.missing ILIKE '%'")]
    [InlineData("tags.missing = 'x'")]
    [InlineData("tags.missing != 'x'")]
    [InlineData("tags.missing LIKE '%'")]
    public void A_run_without_the_param_or_tag_never_matches(string filter) => Assert.False(Matches(filter, Rich));

    [Theory]
    [InlineData("params.optimizer like 'Ad%'")]
    [InlineData("params.optimizer Ilike 'ad%'")]
    [InlineData("run_id in ('abc123')")]
    [InlineData("run_id not in ('other')")]
    [InlineData("metrics.loss = 0.5 and params.lr = '0.001' And tags.team = 'NLP-core'")]
    public void Keywords_are_case_insensitive(string filter) => Assert.True(Matches(filter, Rich));

    [Fact]
    public void Clauses_joined_by_AND_must_all_match()
    {
        Assert.True(Matches("metrics.loss < 1 AND params.optimizer = 'Adam' AND tags.team LIKE 'NLP%' AND status = 'FINISHED'", Rich));
        Assert.False(Matches("metrics.loss < 1 AND params.optimizer = 'SGD'", Rich));
        Assert.False(Matches("params.optimizer = 'SGD' AND metrics.loss < 1", Rich));
    }

    [Theory]
    [InlineData("tags.\"mlflow.user\" = 'alice'")]
    [InlineData("tags.`mlflow.user` = 'alice'")]
    [InlineData("tags.mlflow.user = 'alice'")]
    [InlineData("metrics.`val loss` = 0.7")]
    [InlineData("metrics.\"val loss\" = 0.7")]
    [InlineData("metrics.train.acc = 0.9")]
    [InlineData("metrics.\"train.acc\" = 0.9")]
    [InlineData("params.\"a b\" = 'x'")]
    [InlineData("params.`a b` = \"x\"")]
    public void Keys_may_be_quoted_with_backticks_or_double_quotes(string filter) => Assert.True(Matches(filter, Rich));

    [Theory]
    [InlineData("params.optimizer = \"Adam\"")]
    [InlineData("params.quote = 'it''s'")]
    [InlineData("params.quote = 'it\\'s'")]
    [InlineData("params.quote = \"it's\"")]
    [InlineData("run_name = \"bert-base_lr.1e-3\"")]
    public void String_values_may_be_single_or_double_quoted_with_escaped_quotes(string filter) =>
        Assert.True(Matches(filter, Rich));

    [Theory]
    [InlineData("a%", "abc", true)]
    [InlineData("%c", "abc", true)]
    [InlineData("%b%", "abc", true)]
    [InlineData("%", "", true)]
    [InlineData("%%", "abc", true)]
    [InlineData("a_c", "abc", true)]
    [InlineData("a_c", "abbc", false)]
    [InlineData("a%c", "abbbc", true)]
    [InlineData("a%c", "abbbcd", false)]
    [InlineData("_", "", false)]
    [InlineData("___", "abc", true)]
    [InlineData("abc", "abc", true)]
    [InlineData("ab", "abc", false)]
    [InlineData("bc", "abc", false)]
    [InlineData("%a%a%a%a", "banana", false)]
    [InlineData("%a%a%a", "banana", true)]
    [InlineData("%an%a", "banana", true)]
    [InlineData("A%", "abc", false)]
    [InlineData("line%", "line1\nline2", true)]
    public void LIKE_wildcards_match_the_whole_value(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches($"tags.v LIKE '{pattern}'", StoredRun(tags: new() { ["v"] = value })));

    [Theory]
    [InlineData("A%", "abc", true)]
    [InlineData("%B_", "abc", true)]
    [InlineData("ÄB%", "äbc", true)]
    [InlineData("x%", "abc", false)]
    public void ILIKE_ignores_case(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches($"tags.v ILIKE '{pattern}'", StoredRun(tags: new() { ["v"] = value })));

    [Theory]
    [InlineData("a.c", "abc", false)]
    [InlineData("a.c", "a.c", true)]
    [InlineData("a*", "aaa", false)]
    [InlineData("a*", "a*", true)]
    [InlineData("(x)%", "(x)y", true)]
    [InlineData("[ab]", "a", false)]
    [InlineData("[ab]", "[ab]", true)]
    [InlineData("^a$", "a", false)]
    [InlineData("^a$", "^a$", true)]
    [InlineData("a+", "aa", false)]
    [InlineData("a?|b{2}", "a?|b{2}", true)]
    public void Regex_characters_in_a_LIKE_pattern_are_literal(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches($"tags.v LIKE '{pattern}'", StoredRun(tags: new() { ["v"] = value })));

    [Fact]
    public void A_pattern_full_of_regex_characters_matches_itself()
    {
        Assert.True(Matches(@"tags.path LIKE 'a.c(x)[y]*+?^$|{1}\\d'", Rich));
        Assert.True(Matches(@"tags.path ILIKE 'A.C(X)%'", Rich));
        Assert.False(Matches(@"tags.path LIKE 'abc%'", Rich));
    }

    [Theory]
    [InlineData(@"a\_c", "a_c", true)]
    [InlineData(@"a\_c", "abc", false)]
    [InlineData(@"100\%", "100%", true)]
    [InlineData(@"100\%", "1000", false)]
    [InlineData(@"c:\\%", @"c:\dir", true)]
    public void A_backslash_makes_the_next_LIKE_character_literal(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Matches($"tags.v LIKE '{pattern}'", StoredRun(tags: new() { ["v"] = value })));

    [Theory]
    [InlineData("run_name = 'bert-base_lr.1e-3'", true)]
    [InlineData("run_name != 'bert-base_lr.1e-3'", false)]
    [InlineData("run_name LIKE 'bert%'", true)]
    [InlineData("run_name LIKE 'BERT%'", false)]
    [InlineData("run_name ILIKE 'BERT%'", true)]
    [InlineData("attributes.run_name = 'bert-base_lr.1e-3'", true)]
    [InlineData("attributes.\"Run name\" = 'bert-base_lr.1e-3'", true)]
    [InlineData("\"run name\" = 'bert-base_lr.1e-3'", true)]
    [InlineData("attr.`Run Name` LIKE '%1e-3'", true)]
    public void Run_name_is_the_run_s_name(string filter, bool expected) => Assert.Equal(expected, Matches(filter, Rich));

    [Theory]
    [InlineData(RunStatus.Running, "RUNNING")]
    [InlineData(RunStatus.Finished, "FINISHED")]
    [InlineData(RunStatus.Failed, "FAILED")]
    [InlineData(RunStatus.Killed, "KILLED")]
    [InlineData(RunStatus.Unknown, "SCHEDULED")]
    public void Status_compares_with_MLflow_s_status_name(RunStatus status, string name)
    {
        var run = StoredRun(status: status);

        Assert.True(Matches($"status = '{name}'", run));
        Assert.True(Matches($"attributes.status = '{name}'", run));
        Assert.False(Matches($"status != '{name}'", run));
        Assert.False(Matches($"status = '{name.ToLowerInvariant()}'", run));
        Assert.True(Matches($"status ILIKE '{name.ToLowerInvariant()}'", run));
    }

    [Fact]
    public void User_id_is_the_run_s_user_and_a_run_without_one_never_matches()
    {
        Assert.True(Matches("user_id = 'alice'", Rich));
        Assert.True(Matches("user_id LIKE 'al%'", Rich));
        Assert.False(Matches("user_id = 'bob'", Rich));
        Assert.False(Matches("user_id != 'bob'", StoredRun(user: null)));
        Assert.False(Matches("user_id LIKE '%'", StoredRun(user: null)));
    }

    [Theory]
    [InlineData("run_id = 'abc123'", true)]
    [InlineData("run_id != 'abc123'", false)]
    [InlineData("run_id LIKE 'abc%'", true)]
    [InlineData("run_id IN ('abc123')", true)]
    [InlineData("run_id IN ('x', 'abc123', 'y')", true)]
    [InlineData("run_id IN ('x','y')", false)]
    [InlineData("run_id IN ('ABC123')", false)]
    [InlineData("run_id IN (\"abc123\")", true)]
    [InlineData("run_id IN ('abc123',)", true)]
    [InlineData("run_id NOT IN ('x', 'y')", true)]
    [InlineData("run_id NOT IN ('abc123', 'y')", false)]
    [InlineData("run_id  NOT   IN('abc123')", false)]
    [InlineData("attributes.run_id IN ('abc123')", true)]
    public void Run_id_compares_exactly_and_with_IN_lists(string filter, bool expected) =>
        Assert.Equal(expected, Matches(filter, Rich));

    [Theory]
    [InlineData("start_time = 1700000000000", true)]
    [InlineData("start_time > 1699999999999", true)]
    [InlineData("start_time >= 1700000000001", false)]
    [InlineData("start_time < 1700000000001", true)]
    [InlineData("start_time <= 1699999999999", false)]
    [InlineData("start_time != 1700000000000", false)]
    [InlineData("attributes.start_time > 0", true)]
    [InlineData("created = 1700000000000", true)]
    [InlineData("attributes.Created = 1700000000000", true)]
    [InlineData("end_time = 1700000360000", true)]
    [InlineData("end_time > 1700000360000", false)]
    [InlineData("run.end_time >= 1700000360000", true)]
    public void Start_and_end_time_compare_as_milliseconds_since_the_epoch(string filter, bool expected) =>
        Assert.Equal(expected, Matches(filter, Rich));

    [Theory]
    [InlineData("end_time > 0")]
    [InlineData("end_time != 0")]
    [InlineData("start_time > 0")]
    public void A_run_without_the_time_never_matches(string filter) => Assert.False(Matches(filter, StoredRun(start: null, end: null)));

    [Theory]
    [InlineData("status = 'FINISHED'")]
    [InlineData("attribute.status = 'FINISHED'")]
    [InlineData("attributes.status = 'FINISHED'")]
    [InlineData("attr.status = 'FINISHED'")]
    [InlineData("run.status = 'FINISHED'")]
    [InlineData("`attributes`.status = 'FINISHED'")]
    [InlineData("attributes.`status` = 'FINISHED'")]
    [InlineData("\"status\" = 'FINISHED'")]
    public void Attributes_may_be_written_bare_or_with_any_alias(string filter) => Assert.True(Matches(filter, Rich));

    [Fact]
    public void The_exact_MLflow_message_is_given_for_an_unknown_metric_comparator() =>
        Assert.Equal("Invalid comparator '<<<' not one of '{'>', '<', '>=', '<=', '=', '!='}", Error("metrics.loss <<< 1"));

    [Theory]
    [InlineData("metrics.loss == 1", "Invalid comparator '==' not one of '{'>', '<', '>=', '<=', '=', '!='}")]
    [InlineData("metrics.loss <> 1", "Invalid comparator '<>' not one of '{'>', '<', '>=', '<=', '=', '!='}")]
    [InlineData("metrics.loss like 1", "Invalid comparator 'LIKE' not one of '{'>', '<', '>=', '<=', '=', '!='}")]
    [InlineData("params.lr > '1'", "Invalid comparator '>' not one of '{'!=', '=', 'LIKE', 'ILIKE'}'")]
    [InlineData("params.lr NOT LIKE '1'", "Invalid comparator 'NOT LIKE' not one of '{'!=', '=', 'LIKE', 'ILIKE'}'")]
    [InlineData("tags.x < 'a'", "Invalid comparator '<' not one of '{'!=', '=', 'LIKE', 'ILIKE'}")]
    [InlineData("status >= 'a'", "Invalid comparator '>=' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'")]
    [InlineData("run_name ~ 'a'", "Invalid comparator '~' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'")]
    [InlineData("start_time LIKE 1", "Invalid comparator 'LIKE' not one of '{'>', '<', '>=', '<=', '=', '!='}")]
    public void Comparators_a_key_does_not_accept_are_rejected_with_MLflow_s_message(string filter, string message) =>
        Assert.Equal(message, Error(filter));

    [Theory]
    [InlineData("foo.x = 1", "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")]
    [InlineData("Metrics.loss < 1", "Invalid entity type 'Metrics'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")]
    [InlineData("\"metrics\".loss < 1", "Invalid entity type '\"metrics\"'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")]
    [InlineData("datasets.name = 'x'", "Filtering on datasets ('datasets.name') is not supported: Runlens runs have no dataset inputs.")]
    [InlineData("dataset.digest = 'x'", "Filtering on datasets ('dataset.digest') is not supported: Runlens runs have no dataset inputs.")]
    [InlineData("artifact_uri = 'x'", "Filtering by attribute 'artifact_uri' is not supported: Runlens runs have no artifact URI.")]
    [InlineData("metrics.\"\" < 1", "Invalid identifier 'metrics.\"\"'. Columns should be specified as 'attribute.<key>', 'metric.<key>', 'tag.<key>', 'dataset.<key>', or 'param.'.")]
    public void Unknown_entities_are_rejected(string filter, string message) => Assert.Equal(message, Error(filter));

    [Theory]
    [InlineData("lifecycle_stage = 'active'", "lifecycle_stage")]
    [InlineData("attributes.experiment_id = '1'", "experiment_id")]
    [InlineData("loss < 1", "loss")]
    [InlineData("attributes.Status = 'FINISHED'", "Status")]
    public void Unknown_attributes_are_rejected_with_the_valid_keys(string filter, string key) =>
        Assert.Equal(
            $"Invalid attribute key '{key}' specified. Valid keys are '{{'run_id', 'run_name', 'status', 'user_id', "
            + "'start_time', 'end_time', 'artifact_uri', 'created', 'Created', 'run name', 'Run name', 'Run Name'}'",
            Error(filter));

    [Theory]
    [InlineData("metrics.loss < 'a'", "Expected numeric value type for metric. Found 'a'")]
    [InlineData("metrics.loss < \"1\"", "Expected numeric value type for metric. Found \"1\"")]
    [InlineData("metrics.loss < abc", "Expected numeric value type for metric. Found abc")]
    [InlineData("metrics.loss < (1)", "Expected numeric value type for metric. Found (1)")]
    [InlineData("start_time > '2024-01-01'", "Expected numeric value type for numeric attribute: start_time. Found '2024-01-01'")]
    [InlineData("created > 'x'", "Expected numeric value type for numeric attribute: created. Found 'x'")]
    [InlineData("params.lr = 0.1", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 0.1")]
    [InlineData("params.lr IN ('a')", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('a')")]
    [InlineData("tags.x = 1", "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1")]
    [InlineData("status = 1", "Expected a quoted string value for attributes. Got value 1")]
    [InlineData("params.opt = adam", "Parameter value is either not quoted or unidentified quote types used for string value adam. Use either single or double quotes.")]
    [InlineData("tags.x = `adam`", "Parameter value is either not quoted or unidentified quote types used for string value `adam`. Use either single or double quotes.")]
    [InlineData("run_name = a.b", "Parameter value is either not quoted or unidentified quote types used for string value a.b. Use either single or double quotes.")]
    public void Values_of_the_wrong_type_are_rejected(string filter, string message) => Assert.Equal(message, Error(filter));

    [Theory]
    [InlineData("run_name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [InlineData("status NOT IN ('FAILED')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [InlineData("run_id IN ()", "While parsing a list in the query, expected a non-empty list of string values, but got empty list")]
    [InlineData("run_id IN ('a', 1)", "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1)")]
    [InlineData("run_id IN (('a'))", "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (('a'))")]
    [InlineData("run_id IN ('a' 'b')", "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.")]
    [InlineData("run_id IN (,'a')", "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.")]
    [InlineData("run_id IN ('a',,'b')", "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.")]
    [InlineData("run_id = ('a')", "Invalid comparator '=' for a list of values; use IN or NOT IN.")]
    [InlineData("run_id IN 'a'", "Invalid clause(s) in filter string: 'run_id', 'IN', ''a''. Expected a parenthesised list of quoted strings after 'IN'.")]
    [InlineData("run_id IN ('a'", "Invalid clause(s) in filter string: 'run_id', 'IN', '(', ''a''. Missing ')' to close the list.")]
    public void Malformed_IN_lists_are_rejected(string filter, string message) => Assert.Equal(message, Error(filter));

    [Theory]
    [InlineData("metrics.a > 1 OR metrics.b < 2", "Invalid clause(s) in filter string: 'OR'. Clauses can only be joined with AND; MLflow does not support OR.")]
    [InlineData("metrics.a > 1 or metrics.b < 2", "Invalid clause(s) in filter string: 'or'. Clauses can only be joined with AND; MLflow does not support OR.")]
    [InlineData("metrics.loss >", "Invalid clause(s) in filter string: 'metrics.loss', '>'. Expected a value after '>'.")]
    [InlineData("metrics.loss > AND status = 'x'", "Invalid clause(s) in filter string: 'metrics.loss', '>'. Expected a value after '>'.")]
    [InlineData("metrics.loss", "Invalid clause(s) in filter string: 'metrics.loss'. Expected a comparator after 'metrics.loss', found nothing.")]
    [InlineData("metrics.loss 1", "Invalid clause(s) in filter string: 'metrics.loss', '1'. Expected a comparator after 'metrics.loss', found '1'.")]
    [InlineData("metrics.val-loss < 1", "Invalid clause(s) in filter string: 'metrics.val', '-', 'loss', '<', '1'. Expected a comparator after 'metrics.val', found '-'.")]
    [InlineData("metrics. < 1", "Invalid clause(s) in filter string: 'metrics', '.', '<', '1'. Expected a comparator after 'metrics', found '.'.")]
    [InlineData("metrics.loss < 1abc", "Invalid clause(s) in filter string: 'metrics.loss', '<', '1abc'. Expected a value after '<'.")]
    [InlineData("> 1", "Invalid clause(s) in filter string: '>', '1'. A clause starts with a key such as metrics.loss, params.lr, tags.team or status; found '>'.")]
    [InlineData("'status' = 'x'", "Invalid clause(s) in filter string: ''status'', '=', ''x''. A clause starts with a key such as metrics.loss, params.lr, tags.team or status; found ''status''.")]
    [InlineData("NOT metrics.loss < 1", "Invalid clause(s) in filter string: 'NOT', 'metrics.loss', '<', '1'. A clause starts with a key such as metrics.loss, params.lr, tags.team or status; found 'NOT'.")]
    [InlineData("metrics.loss < 1 garbage", "Invalid clause(s) in filter string: 'garbage'. Clauses must be joined with AND.")]
    [InlineData("metrics.loss < 1 metrics.acc > 2 AND status = 'x'", "Invalid clause(s) in filter string: 'metrics.acc', '>', '2'. Clauses must be joined with AND.")]
    [InlineData("metrics.loss < 1; DROP TABLE runs", "Invalid clause(s) in filter string: ';', 'DROP', 'TABLE', 'runs'. Clauses must be joined with AND.")]
    [InlineData("metrics.loss < 1 AND", "Invalid clause(s) in filter string: 'AND'. Expected a comparison after 'AND'.")]
    [InlineData("AND metrics.loss < 1", "Invalid clause(s) in filter string: 'AND'. Expected a comparison before 'AND'.")]
    [InlineData("metrics.loss < 1 AND and status = 'x'", "Invalid clause(s) in filter string: 'and'. Expected a comparison before 'and'.")]
    public void Malformed_clauses_are_rejected(string filter, string message) => Assert.Equal(message, Error(filter));

    [Theory]
    [InlineData("params.x = 'abc", "Invalid filter 'params.x = 'abc'. Could not be parsed: the quote (') opened at position 11 is never closed.")]
    [InlineData("tags.\"x = 'a'", "Invalid filter 'tags.\"x = 'a''. Could not be parsed: the quote (\") opened at position 5 is never closed.")]
    [InlineData("metrics.`loss < 1", "Invalid filter 'metrics.`loss < 1'. Could not be parsed: the quote (`) opened at position 8 is never closed.")]
    [InlineData("params.x = 'it\\'", "Invalid filter 'params.x = 'it\\''. Could not be parsed: the quote (') opened at position 11 is never closed.")]
    public void Unterminated_quotes_are_rejected(string filter, string message) => Assert.Equal(message, Error(filter));

    [Fact]
    public void Structural_errors_are_reported_before_key_errors_as_MLflow_does() =>
        Assert.StartsWith("Invalid clause(s) in filter string: 'OR'", Error("foo.x = 1 OR metrics.a > 1"));

    [Fact]
    public void Any_malformed_input_throws_only_a_search_syntax_exception()
    {
        string[] pieces =
        [
            "metrics.loss", "params.lr", "tags.\"a.b\"", "status", "run_id", "start_time", "foo.x", "datasets.name",
            "=", "!=", "<", ">=", "<<<", "LIKE", "ILIKE", "IN", "NOT", "AND", "OR", "(", ")", ",", "'a'", "'x%'",
            "\"q\"", "`b`", "1", "-2.5e3", "1abc", ".", ";", "'", "\"", "`", "\\", "é", "\t",
        ];
        var random = new Random(20240612);
        var runs = new[] { Rich, StoredRun(user: null, start: null) };
        var parsed = 0;
        for (var n = 0; n < 5000; n++)
        {
            var filter = string.Join(" ", Enumerable.Range(0, random.Next(1, 8)).Select(_ => pieces[random.Next(pieces.Length)]));
            try
            {
                var f = RunFilter.Parse(filter);
                foreach (var run in runs)
                    f.Matches(run);
                parsed++;
            }
            catch (SearchSyntaxException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            }
        }
        Assert.InRange(parsed, 1, 4999);
    }

    [Fact]
    public void The_filter_remembers_its_text()
    {
        Assert.Equal("metrics.loss < 1", RunFilter.Parse("metrics.loss < 1").ToString());
        Assert.Equal("", RunFilter.All.ToString());
    }
}
