"""Support code for the Demystifying Neural Networks workshop.

- :mod:`demystify.data`: the HTRU2 pulsar data, downloaded, verified and split;
- :mod:`demystify.reference`: the course network written once (sizes, seed, initialisation,
  forward pass, loss, gradient by hand, central differences);
- :mod:`demystify.checks`: the self-checks the exercise notebooks call;
- :mod:`demystify.metrics`: accuracy, precision, recall and the confusion matrix;
- :mod:`demystify.plots`, :mod:`demystify.diagrams` and :mod:`demystify.drawing`: figures,
  diagrams of neurons and networks, and graph drawings;
- :mod:`demystify.training`: gradient descent on the course network in numpy (full batch or
  mini-batches, validation rows carved from the training rows), for Part 1's figures;
- :mod:`demystify.toys`: the two-moons toy data;
- :mod:`demystify.computational_graph`: notebook 11's scalar autodiff (``Value``), written
  from the lesson's cells by :mod:`demystify.lesson_code`, for the notebooks after it;
- :mod:`demystify.timing` and :mod:`demystify.progress`: timings as the notebooks print them,
  and progress bars;
- :mod:`demystify.baselines`: the PyTorch baseline of notebook 05, in one call;
- :mod:`demystify.setup_check`: is this machine ready for the course?
- :mod:`demystify.course`, :mod:`demystify.exercises`, :mod:`demystify.notebooks`,
  :mod:`demystify.lesson_code`, :mod:`demystify.slides` and :mod:`demystify.bench`: tools for
  the course's authors.

The from-scratch autodiff library of Part 2 is its own package, :mod:`scratchgrad`.
"""
__version__ = "1.0.0"
