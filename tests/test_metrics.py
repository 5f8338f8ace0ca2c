"""The classifier scores count what their names say."""
import numpy as np
import pytest

from demystify.metrics import accuracy, confusion_matrix, precision, recall, scores

Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 1])
Y_PRED = np.array([0, 0, 1, 0, 1, 0, 1])   # 3 TN, 1 FP, 1 FN, 2 TP


def test_confusion_matrix_rows_are_true_classes_and_columns_predictions():
    np.testing.assert_array_equal(confusion_matrix(Y_TRUE, Y_PRED), [[3, 1], [1, 2]])


def test_accuracy_precision_and_recall_follow_their_definitions():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(5 / 7)
    assert precision(Y_TRUE, Y_PRED) == pytest.approx(2 / 3)   # TP / (TP + FP)
    assert recall(Y_TRUE, Y_PRED) == pytest.approx(2 / 3)      # TP / (TP + FN)
    assert scores(Y_TRUE, 1 - Y_PRED) == {"accuracy": pytest.approx(2 / 7),
                                          "precision": pytest.approx(1 / 4),
                                          "recall": pytest.approx(1 / 3)}


def test_never_predicting_a_pulsar_has_zero_precision_and_recall_not_an_error():
    never = np.zeros_like(Y_TRUE)
    assert precision(Y_TRUE, never) == 0.0 and recall(Y_TRUE, never) == 0.0
    assert accuracy(Y_TRUE, never) == pytest.approx(4 / 7)


def test_one_hot_predictions_are_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"argmax\(axis=1\)"):
        confusion_matrix(Y_TRUE, np.eye(2)[Y_PRED])
