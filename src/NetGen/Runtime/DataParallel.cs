using System;
using System.ComponentModel;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen.Runtime
{
    /// <summary>
    /// Runs the parts of a mini-batch on several threads for generated networks' data-parallel <c>Train</c>: part 0 on
    /// the calling thread, parts 1… on thread-pool threads, and returns when all are done. Which part covers which
    /// examples and how the results are combined is the caller's fixed choice, so the result does not depend on the
    /// scheduling. The spans are pinned for the duration of the call and handed to the workers as pointers; nothing is
    /// allocated per call once the work items exist.
    /// </summary>
    /// <typeparam name="TInput">Element type of the inputs (float or double).</typeparam>
    /// <typeparam name="TTarget">Element type of the targets (int labels, or float or double targets).</typeparam>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed unsafe class DataParallel<TInput, TTarget>
        where TInput : unmanaged
        where TTarget : unmanaged
    {
        private readonly PartWork _work;
        private readonly WorkItem[] _items;
        private readonly CountdownEvent _done;
        private TInput* _inputs;
        private int _inputLength;
        private TTarget* _targets;
        private int _targetLength;
        private Exception? _failure;

        /// <summary>Creates the runner for <paramref name="parts"/> parts (≥ 2) of work done by <paramref name="work"/>.</summary>
        public DataParallel(int parts, PartWork work)
        {
            if (parts < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(parts), parts, "Expected at least 2 parts.");
            }

            _work = work ?? throw new ArgumentNullException(nameof(work));
            _items = new WorkItem[parts - 1];
            for (int i = 0; i < _items.Length; i++)
            {
                _items[i] = new WorkItem(this, i + 1);
            }

            _done = new CountdownEvent(1);
        }

        /// <summary>One part of the work: the whole batch and the index of the part to compute.</summary>
        public delegate void PartWork(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, int part);

        /// <summary>Number of parts.</summary>
        public int Parts => _items.Length + 1;

        /// <summary>Runs every part and returns when all are done; rethrows the first exception of any part.</summary>
        public void Run(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets)
        {
            fixed (TInput* pi = inputs)
            fixed (TTarget* pt = targets)
            {
                _inputs = pi;
                _inputLength = inputs.Length;
                _targets = pt;
                _targetLength = targets.Length;
                _failure = null;
                _done.Reset(_items.Length);
                foreach (WorkItem item in _items)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);
                }

                try
                {
                    _work(inputs, targets, 0);
                }
                finally
                {
                    // The workers read the pinned spans: never leave this block before they are done.
                    _done.Wait();
                    _inputs = null;
                    _targets = null;
                }
            }

            if (_failure is not null)
            {
                ExceptionDispatchInfo.Capture(_failure).Throw();
            }
        }

        private void RunPart(int part)
        {
            try
            {
                _work(new ReadOnlySpan<TInput>(_inputs, _inputLength), new ReadOnlySpan<TTarget>(_targets, _targetLength), part);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                _done.Signal();
            }
        }

        private sealed class WorkItem : IThreadPoolWorkItem
        {
            private readonly DataParallel<TInput, TTarget> _owner;
            private readonly int _part;

            public WorkItem(DataParallel<TInput, TTarget> owner, int part)
            {
                _owner = owner;
                _part = part;
            }

            public void Execute() => _owner.RunPart(_part);
        }
    }
}
