using Runlens.Model;

namespace Runlens.Tests.Model;

public sealed class MetricNamesTests
{
    [Theory]
    [InlineData("eval_loss", "val/loss")]
    [InlineData("val/loss", "val/loss")]
    [InlineData("val_loss", "val/loss")]
    [InlineData("validation/loss", "val/loss")]
    [InlineData("validation/epoch_loss", "val/loss")]
    [InlineData("train/epoch_accuracy", "train/accuracy")]
    [InlineData("loss", "train/loss")]
    [InlineData("grad_norm", "train/grad_norm")]
    [InlineData("learning_rate", "train/learning_rate")]
    [InlineData("lr", "train/learning_rate")]
    [InlineData("lr-Adam", "train/learning_rate")]
    [InlineData("train_loss_step", "train/loss")]
    [InlineData("train_acc", "train/accuracy")]
    [InlineData("val_acc", "val/accuracy")]
    [InlineData("eval_overall_f1", "val/overall_f1")]
    [InlineData("eval_g0_loss", "val/g0_loss")]
    [InlineData("test_accuracy", "test/accuracy")]
    [InlineData("epoch", "epoch")]
    [InlineData("Generator loss", "Generator loss")]
    public void Maps_every_spelling_to_one_key(string original, string key) =>
        Assert.Equal(key, MetricNames.Normalize(original));

    [Fact]
    public void Bare_names_stay_as_logged_when_the_format_has_no_train_convention() =>
        Assert.Equal("d_loss", MetricNames.Normalize("d_loss", bareSplit: null));

    [Theory]
    [InlineData("val/loss", true)]
    [InlineData("val/wer", true)]
    [InlineData("val/g0_loss", true)]
    [InlineData("val/accuracy", false)]
    [InlineData("val/f1", false)]
    public void Knows_which_metrics_are_lower_is_better(string key, bool isLoss) =>
        Assert.Equal(isLoss, MetricNames.IsLoss(key));

    [Theory]
    [InlineData("val/runtime", true)]             // HF eval_runtime
    [InlineData("val/samples_per_second", true)]
    [InlineData("train/epoch", true)]
    [InlineData("train/global_step", true)]
    [InlineData("val/_timestamp", true)]          // W&B
    [InlineData("train/batch_number", true)]
    [InlineData("train/num_tokens_count", true)]
    [InlineData("val/accuracy", false)]
    [InlineData("val/f1_cat", false)]
    [InlineData("val/loss", false)]
    [InlineData("val/rougeL", false)]
    public void Knows_which_series_only_count_or_time_the_training(string key, bool bookkeeping) =>
        Assert.Equal(bookkeeping, MetricNames.IsBookkeeping(key));
}
