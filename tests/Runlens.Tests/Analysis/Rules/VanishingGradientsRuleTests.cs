using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Analysis.Signals;
using Runlens.Import;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0204 vanishing-gradients from the architecture in the config and from per-layer gradient norms, on series
/// built to show each case and on the diagnosis benchmark's deep sigmoid/tanh runs (bench/diagnosis/runs: 20 sigmoid
/// layers on digits, 30 tanh layers initialised with std 0.05; their loss stays at ln K for the whole run).</summary>
public sealed class VanishingGradientsRuleTests : RuleTestBase
{
    /// <summary>A training loss that sits at <paramref name="level"/> with a little noise.</summary>
    private static double[] Flat(int n, double level, int seed) => [.. RunBuilder.Noise(n, 0.01, seed).Select(e => level + e)];

    private static long[] Every(int n, long every) => [.. Enumerable.Range(1, n).Select(i => i * every)];

    private static RunBuilder Digits(string activation, double layers, double[] loss) => new RunBuilder()
        .Series("train/loss", 5, loss)
        .Config("model.num_labels", 10).Config("model.hidden_act", activation).Config("model.num_hidden_layers", layers)
        .Config("learning_rate", 0.05);

    [Fact]
    public void Fires_on_a_deep_sigmoid_stack_whose_loss_stays_at_chance_level()
    {
        var run = Digits("sigmoid", 20, Flat(120, Math.Log(10), 3)).Build();
        var f = Assert.Single(Findings(run, "vanishing-gradients"));
        Assert.Equal(Severity.Warning, f.Severity);
        var e = EvidenceOf<DeepSaturatingStackEvidence>(f);
        Assert.Equal((20, "model.num_hidden_layers", "sigmoid", "model.hidden_act"), (e.Layers, e.LayersKey, e.SaturatingActivation, e.ActivationKey));
        Assert.Equal(8, e.ThresholdDeepLayers);
        Assert.Equal(10, e.Classes);
        Assert.Equal(Math.Log(10), e.ChanceLevel!.Value, 12);
        Assert.Contains("chance level (ln 10", f.Title, StringComparison.Ordinal);
        // The architecture comes first, with the config change that makes it.
        var change = Assert.Single(f.Recommendations[0].ConfigChanges);
        Assert.Equal(("model.hidden_act", "sigmoid", "relu"), (change.Key, change.From!.Value.Text, change.To.Text));
        Assert.Contains("before tuning the learning rate", f.Recommendations[0].Action, StringComparison.Ordinal);
        Assert.Equal("vanishing-gradients", Diagnose(run).RootCauses[0].Id);
    }

    [Fact]
    public void Reads_a_lightning_module_s_hyperparameters_too()
    {
        // save_hyperparameters() of a module built as MLP(num_layers=30, activation="tanh"); the loss never leaves ln 3.
        var run = new RunBuilder().Series("train/loss", 5, Flat(120, Math.Log(3), 4))
            .Config("num_layers", 30).Config("activation", "tanh").Config("num_classes", 3).Build();
        var e = EvidenceOf<DeepSaturatingStackEvidence>(Assert.Single(Findings(run, "vanishing-gradients")));
        Assert.Equal((30, "num_layers", "tanh"), (e.Layers, e.LayersKey, e.SaturatingActivation));
    }

    [Theory]
    [InlineData("relu", 20)]              // a deep ReLU stack: its loss being flat is not this
    [InlineData("gelu_pytorch_tanh", 24)] // HF's tanh-approximated GELU does not saturate
    [InlineData("sigmoid", 7)]            // below 8 hidden layers
    public void Stays_quiet_without_a_deep_saturating_stack(string activation, double layers)
    {
        var run = Digits(activation, layers, Flat(120, Math.Log(10), 5)).Build();
        Assert.Empty(Findings(run, "vanishing-gradients"));
    }

    [Fact]
    public void Stays_quiet_when_the_deep_sigmoid_stack_learns()
    {
        // The same architecture whose loss falls from ln 10 to 0.3: the gradient reached the layers.
        var run = Digits("sigmoid", 20, RunBuilder.Falling(120, 2.3, 0.3, 0.02, 6)).Build();
        Assert.Empty(Findings(run, "vanishing-gradients"));
    }

    [Fact]
    public void Stays_quiet_on_a_deep_tanh_stack_with_normalisation_layers()
    {
        var run = Digits("tanh", 12, Flat(120, Math.Log(10), 7)).Config("model.layer_norm_eps", 1e-5).Build();
        Assert.Empty(Findings(run, "vanishing-gradients"));
    }

    [Fact]
    public void Fires_when_the_first_layer_s_logged_norm_is_orders_of_magnitude_below_the_last_layer_s()
    {
        // Lightning's grad_norm(self, norm_type=2): the first layer 2e-6, the last 0.2; no architecture in the config.
        var run = new RunBuilder().Series("train/loss", 5, Flat(60, 1.1, 8))
            .Series("train/grad_2.0_norm/net.0.weight", Every(60, 5), [.. RunBuilder.Noise(60, 2e-7, 9).Select(e => 2e-6 + e)], "grad_2.0_norm/net.0.weight")
            .Series("train/grad_2.0_norm/net.10.weight", Every(60, 5), [.. RunBuilder.Noise(60, 1e-3, 10).Select(e => 0.01 + e)], "grad_2.0_norm/net.10.weight")
            .Series("train/grad_2.0_norm/net.20.weight", Every(60, 5), [.. RunBuilder.Noise(60, 0.01, 11).Select(e => 0.2 + e)], "grad_2.0_norm/net.20.weight")
            .Series("train/grad_2.0_norm/net.20.bias", Every(60, 5), [.. RunBuilder.Noise(60, 1e-8, 12).Select(e => 1e-7 + e)], "grad_2.0_norm/net.20.bias")
            .Build();
        var e = EvidenceOf<LayerGradientNormsEvidence>(Assert.Single(Findings(run, "vanishing-gradients")));
        Assert.Equal(("train/grad_2.0_norm/net.0.weight", "train/grad_2.0_norm/net.20.weight", 3), (e.Series, e.LastSeries, e.LayersLogged));
        Assert.InRange(e.NormRatio, 5e-6, 2e-5);
    }

    [Fact]
    public void Logged_per_layer_norms_that_stay_close_overrule_the_config()
    {
        // A deep sigmoid stack in the config, but the first layer's norm is half the last layer's: the gradient arrives.
        var run = Digits("sigmoid", 20, Flat(60, Math.Log(10), 13))
            .Series("train/grad_2.0_norm/net.0.weight", Every(60, 5), [.. RunBuilder.Noise(60, 0.005, 14).Select(e => 0.1 + e)], "grad_2.0_norm/net.0.weight")
            .Series("train/grad_2.0_norm/net.38.weight", Every(60, 5), [.. RunBuilder.Noise(60, 0.01, 15).Select(e => 0.2 + e)], "grad_2.0_norm/net.38.weight")
            .Build();
        Assert.Empty(Findings(run, "vanishing-gradients"));
    }

    [Fact]
    public void Parameter_names_order_numbered_layers_as_numbers()
    {
        Assert.True(LayerGradientNorms.CompareNames("net.2.weight", "net.10.weight") < 0);
        Assert.True(LayerGradientNorms.CompareNames("layers.9.fc.weight", "layers.10.fc.weight") < 0);
        Assert.True(LayerGradientNorms.CompareNames("encoder.weight", "head.weight") < 0);
    }

    [Theory]
    [InlineData("vanishing-gradients--deep-tanh--s0", "log", "tanh", 30, 3)]                                       // the callback's model.config
    [InlineData("vanishing-gradients--deep-sigmoid--s2", "log", "sigmoid", 20, 10)]                                // the HF Trainer's config.json
    [InlineData("vanishing-gradients--deep-tanh--s1", "log/lightning_logs/version_0", "tanh", 30, 3)]             // Lightning's hparams.yaml
    public async Task Fires_on_the_benchmark_s_deep_saturating_runs_with_vanishing_gradients_as_the_root_cause(string name, string log, string activation, int layers, int classes)
    {
        var result = await ImporterCatalog.ImportAsync(Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", name, log));
        var run = Assert.Single(result.Runs);
        var d = new Diagnoser().Diagnose(run);
        EvidenceAudit.Check(d.Findings, run);
        var f = Assert.Single(d.Findings, f => f.Rule == "vanishing-gradients");
        var e = Assert.IsType<DeepSaturatingStackEvidence>(f.Evidence);
        Assert.Equal((activation, layers, classes), (e.SaturatingActivation, e.Layers, e.Classes));
        Assert.Equal("vanishing-gradients", d.RootCauses[0].Id);
        Assert.Same(f.Recommendations[0], d.RootCauses[0].FixFirst);
        // What the loss shows (the model learned nothing) is grouped under the cause, not a cause of its own.
        Assert.All(d.RootCauses.Skip(1), c => Assert.DoesNotContain("underfitting", c.Rules));
    }

    [Fact]
    public async Task Stays_quiet_on_a_benchmark_mlp_that_learns()
    {
        // One ReLU hidden layer on digits, trained to convergence.
        var result = await ImporterCatalog.ImportAsync(Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", "healthy-converged--mlp-digits--s0", "log"));
        var run = Assert.Single(result.Runs);
        Assert.Equal((1, "relu"), (ModelArchitecture.Of(run.Config).Layers, ModelArchitecture.Of(run.Config).Activation));
        Assert.DoesNotContain(new Diagnoser().Diagnose(run).Findings, f => f.Rule == "vanishing-gradients");
    }
}
