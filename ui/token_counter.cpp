#include "ui/token_counter.h"

#include "core/lora/lora_files.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/prompt_encoder.h"
#include "core/util/error.h"
#include "ui/string_convert.h"

#include <QDir>
#include <QPointer>
#include <QThread>

#include <algorithm>

namespace lightning::ui {

struct TokenCounter::Pair {
    lightning::ClipTokenizer first;
    lightning::ClipTokenizer second;
};

TokenCounter::TokenCounter(QObject* parent) : QObject(parent) {
    status_ = tr("no tokenizer (model not set up)");
}

TokenCounter::~TokenCounter() {
    if (loader_) {
        loader_->wait();
        delete loader_;
    }
}

void TokenCounter::set_tokenizer_root(const QString& root) {
    if (root == root_ && (tokenizers_ || loader_)) return;
    root_ = root;
    tokenizers_.reset();
    const int generation = ++generation_;
    if (root.isEmpty()) {
        status_ = tr("no tokenizer (model not set up)");
        Q_EMIT readyChanged();
        return;
    }
    status_ = tr("loading tokenizer…");
    Q_EMIT readyChanged();

    auto result = std::make_shared<std::shared_ptr<const Pair>>();
    auto error = std::make_shared<QString>();
    const std::string first_dir = to_std(QDir(root).filePath(QStringLiteral("tokenizer")));
    const std::string second_dir = to_std(QDir(root).filePath(QStringLiteral("tokenizer_2")));
    QThread* thread = QThread::create([result, error, first_dir, second_dir] {
        try {
            *result = std::make_shared<const Pair>(
                Pair{lightning::ClipTokenizer::from_folder(first_dir),
                     lightning::ClipTokenizer::from_folder(second_dir)});
        } catch (const std::exception& e) {
            *error = to_qstring(e.what());
        }
    });
    thread->setObjectName(QStringLiteral("tokenizer-load"));
    QThread* previous = loader_;
    loader_ = thread;
    connect(thread, &QThread::finished, this, [this, thread, generation, result, error] {
        if (loader_ == thread) loader_ = nullptr;
        thread->deleteLater();
        if (generation != generation_) return;
        tokenizers_ = *result;
        status_ = tokenizers_ ? QString() : tr("tokenizer failed: %1").arg(*error);
        Q_EMIT readyChanged();
    });
    if (previous) previous->wait();  // loads are short; keeps at most one thread alive
    thread->start();
}

int TokenCounter::count_with(const lightning::ClipTokenizer& tokenizer, const QString& text) const {
    return int(tokenizer.tokenize(to_std(text)).size());
}

int TokenCounter::cut_position(const lightning::ClipTokenizer& tokenizer, const QString& text,
                               int limit) const {
    // CLIP's pre-tokenizer never joins pieces across whitespace, so at whitespace boundaries the
    // count of a prefix only grows: binary search those, then refine inside the word that
    // crosses the limit.
    QList<int> boundaries{0};
    for (int i = 1; i < text.size(); ++i)
        if (text[i].isSpace() && !text[i - 1].isSpace()) boundaries << i;
    boundaries << int(text.size());

    int low = 0, high = int(boundaries.size()) - 1;  // boundaries[low] fits, [high] does not
    while (high - low > 1) {
        const int middle = (low + high) / 2;
        if (count_with(tokenizer, text.left(boundaries[middle])) <= limit)
            low = middle;
        else
            high = middle;
    }
    const int word_start = boundaries[low];
    const int word_end = boundaries[high];
    constexpr int kMaxRefine = 256;  // very long unbroken runs: cut at the word start
    for (int p = word_end - 1; p > word_start && word_end - p <= kMaxRefine; --p) {
        if (text[p].isLowSurrogate()) continue;
        if (count_with(tokenizer, text.left(p)) <= limit) return p;
    }
    // Skip the whitespace before the word so the mark starts at the word itself.
    int start = word_start;
    while (start < text.size() && text[start].isSpace()) ++start;
    return start;
}

void TokenCounter::set_syntax(lightning::PromptSyntax syntax) {
    if (syntax == syntax_) return;
    syntax_ = syntax;
    Q_EMIT readyChanged();  // the boxes count again
}

// The engine's own chunking (core/text/prompt_encoder.h), on the tokenizers alone. Textual-
// inversion tokens count as the words they are spelled with (the embeddings are not loaded).
TokenCount TokenCounter::count_chunked(const QString& text) const {
    TokenCount count;
    lightning::TextEncoders encoders;
    encoders.tokenizer_1 = &tokenizers_->first;
    encoders.tokenizer_2 = &tokenizers_->second;
    try {
        const lightning::PromptLength length =
            lightning::prompt_length(encoders, to_std(text), syntax_);
        count.first = count.second = int(length.tokens);
        count.chunks = int(std::max<int64_t>(1, length.chunks));
        count.limit = count.chunks * (tokenizers_->first.max_length() - 2);
    } catch (const lightning::Error& error) {
        count.chunks = 1;
        count.error = to_qstring(error.what());
    }
    return count;
}

TokenCount TokenCounter::count_prompt(const QString& text) const {
    if (syntax_ != lightning::PromptSyntax::A1111) return count(text);
    try {
        return count(to_qstring(lightning::extract_lora_tags(to_std(text)).prompt));
    } catch (const lightning::Error& error) {
        TokenCount count;
        count.chunks = 1;
        count.error = to_qstring(error.what());
        return count;
    }
}

TokenCount TokenCounter::count(const QString& text) const {
    TokenCount count;
    if (!tokenizers_) return count;
    if (syntax_ != lightning::PromptSyntax::None) return count_chunked(text);
    count.limit = tokenizers_->first.max_length() - 2;
    count.first = count_with(tokenizers_->first, text);
    count.second = count_with(tokenizers_->second, text);
    if (count.first > count.limit || count.second > count.limit) {
        int cut = int(text.size());
        if (count.first > count.limit)
            cut = std::min(cut, cut_position(tokenizers_->first, text, count.limit));
        if (count.second > count.limit)
            cut = std::min(cut, cut_position(tokenizers_->second, text, count.limit));
        count.cut = cut;
    }
    return count;
}

}  // namespace lightning::ui
