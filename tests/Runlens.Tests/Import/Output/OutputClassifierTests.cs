using Runlens.Import.Output;
using Runlens.Model;

namespace Runlens.Tests.Import.Output;

/// <summary>Failures read from a training process's output, with texts as PyTorch, CUDA and the HF Trainer print them.</summary>
public sealed class OutputClassifierTests
{
    private static IReadOnlyList<RunEvent> Classify(string text, int? exitCode = 0) =>
        OutputClassifier.Classify(text.Replace("\r", "", StringComparison.Ordinal).Split('\n'), "output.log", exitCode);

    [Fact]
    public void Cuda_out_of_memory_is_one_error_with_the_size_it_tried_to_allocate_and_its_line()
    {
        var events = Classify("""
            {'loss': 0.9123, 'grad_norm': 1.52, 'learning_rate': 4.9e-05, 'epoch': 0.1}
            Traceback (most recent call last):
              File "/work/train.py", line 88, in <module>
                trainer.train()
              File "/usr/lib/python3/dist-packages/torch/nn/modules/linear.py", line 116, in forward
                return F.linear(input, self.weight, self.bias)
            torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.65 GiB of which 1.27 GiB is free.
            """, 1);
        Assert.Equal(2, events.Count);
        Assert.StartsWith("CUDA out of memory (tried to allocate 2.00 GiB)", events[0].Message, StringComparison.Ordinal);
        Assert.Equal(("output.log", "line 7"), (events[0].File, events[0].Location));
        Assert.Equal("The process exited with code 1", events[1].Message);
    }

    [Fact]
    public void A_traceback_gives_the_exception_type_message_and_last_frame()
    {
        var events = Classify("""
            Traceback (most recent call last):
              File "/work/train.py", line 12, in <module>
                main()
              File "/work/train.py", line 9, in main
                batch = next(loader)
                        ^^^^^^^^^^^^
            KeyError: 'input_ids'
            """, 1);
        Assert.Equal("KeyError: 'input_ids' (last frame /work/train.py:9 in main)", events[0].Message);
        Assert.Equal(RunEventKind.Error, events[0].Kind);
    }

    [Fact]
    public void Other_cuda_errors_nan_losses_and_signals_are_named()
    {
        var events = Classify("""
            RuntimeError: CUDA error: device-side assert triggered
            {'loss': nan, 'grad_norm': nan, 'learning_rate': 2e-05, 'epoch': 1.2}
            Loss is nan, stopping training
            epoch 3 loss 0.5321 accuracy 0.91
            """, 137);
        Assert.Equal("CUDA error: device-side assert triggered", events[0].Message);
        Assert.Equal(2, events.Count(e => e.Kind == RunEventKind.Warning && e.Message.StartsWith("The output reports a non-finite value", StringComparison.Ordinal)));
        Assert.StartsWith("The process was killed by signal 9 (SIGKILL, exit code 137)", events[^1].Message, StringComparison.Ordinal);
        Assert.Empty(Classify("epoch 1 loss 0.53 nanoseconds 12 info: inference done"));
        Assert.Contains("SIGTERM", Classify("", 143).Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_messages_are_kept_five_times_at_most()
    {
        var text = string.Join('\n', Enumerable.Repeat("{'loss': nan, 'epoch': 1.0}", 1000));
        Assert.Equal(5, Classify(text).Count);
    }
}
