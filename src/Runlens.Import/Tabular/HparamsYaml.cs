using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>Lightning's <c>hparams.yaml</c> (what <c>save_hyperparameters()</c> saved) beside <c>metrics.csv</c>; read by
/// <see cref="YamlConfig"/>. <c>{}</c> and an empty file are valid and give no keys.</summary>
internal static class HparamsYaml
{
    /// <summary>Reads the file. Damage is returned as an event, never thrown: the metrics do not depend on it.</summary>
    public static (RunConfig Config, RunEvent? Damage) Read(string file) => YamlConfig.Read(file, "the run has no hyperparameters");
}
